using Microsoft.AspNetCore.Mvc;
using Villages.Domain;
using Villages.Regions;
using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.WebApi.Endpoints;

/// <summary>
/// The PERISAI agents' registry. An agent is a resource named by its code, nationwide: PUT records
/// it whole (name, region, status), GET reads it; a region's agents are listed under the region.
/// Enrolments may name only an active agent registered for a region that contains the village.
/// </summary>
public static class AgentEndpoints
{
    private const long AgentBodyLimit = 4 * 1024;

    private static readonly RegionLevels RegencyOrDistrict =
        new("Agents are registered by regency (PP.RR) or district (PP.RR.DD), e.g. 35.10.", RegionLevel.Regency, RegionLevel.District);

    public static void MapAgentEndpoints(this IEndpointRouteBuilder app)
    {
        var agents = app.MapGroup("/api/agents").WithTags("Agents").Guarded();
        agents.MapPut("/{code}", Put).WithName("putAgent")
            .RequiresAnywhere(VillageAction.RegisterAgent)
            .WithSummary("Registers a PERISAI agent (201) or changes its name, region or status (200; the same record again changes nothing). Moving it to another region needs both regions.")
            .Accepts<AgentRequest>("application/json").WithBodyLimit(AgentBodyLimit)
            .Produces<AgentView>(201).Produces<AgentView>()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        agents.MapGet("/{code}", Get).WithName("getAgent").RequiresAnywhere(VillageAction.ReadAgents)
            .WithSummary("A PERISAI agent: name, region, status, when registered and last changed (officers, BPJS branches and national roles whose scope holds its region).")
            .Produces<AgentView>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        app.MapGroup("/api/regions/{code}").WithTags("Agents").Guarded()
            .MapGet("/agents", List).WithName("listAgents").Requires(VillageAction.ReadAgents).WithMetadata(RegencyOrDistrict)
            .WithSummary("The PERISAI agents registered for a regency (its districts' included) or a district, by code, paged with offset and limit.")
            .WithQueryParameter("status", "active or inactive: only the agents with that status.", "active")
            .Produces<AgentPage>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
    }

    private static async Task<IResult> Put(string code, HttpContext context, IGrainFactory grains, [FromServices] RegionCatalog catalog)
    {
        var body = await RequestBody.JsonAsync<AgentRequest>(context);
        if (body.Problem is not null) return body.Problem;
        if (!AgentRules.TryValidate(code, body.Value, catalog, out var valid, out var invalid)) return Problems.Result(invalid, context);
        var caller = context.Caller();
        var agent = grains.GetGrain<IAgentGrain>(code);
        // A change is the business of both the region the agent leaves and the one it joins.
        var before = await agent.Get();
        foreach (var region in new[] { before?.Region, valid.Region.Code }.OfType<string>().Distinct())
        {
            if (!AccessPolicy.Allows(caller, VillageAction.RegisterAgent, region))
            {
                return Problems.Result(ProblemType.Forbidden, AccessPolicy.Explain(caller, VillageAction.RegisterAgent, region), context);
            }
        }
        var outcome = await agent.Register(body.Value!, context.Actor(VillageAction.RegisterAgent, valid.Region.Code));
        if (outcome.Failure is not null) return Problems.Result(outcome.Failure, context);
        return outcome.Created ? TypedResults.Created($"/api/agents/{code}", outcome.Agent) : TypedResults.Ok(outcome.Agent);
    }

    private static async Task<IResult> Get(string code, HttpContext context, IGrainFactory grains)
    {
        var agent = EnrollmentRules.IsAgentId(code) ? await grains.GetGrain<IAgentGrain>(code).Get() : null;
        if (agent is null)
        {
            return Problems.Result(ProblemType.AgentNotFound, "No PERISAI agent is registered under that code; codes are case-sensitive.", context);
        }
        var caller = context.Caller();
        return AccessPolicy.Allows(caller, VillageAction.ReadAgents, agent.Region)
            ? TypedResults.Ok(agent)
            : Problems.Result(ProblemType.Forbidden, AccessPolicy.Explain(caller, VillageAction.ReadAgents, agent.Region), context);
    }

    private static async Task<IResult> List(RegionTarget region, HttpContext context, IGrainFactory grains, string? offset, string? limit)
    {
        if (!Paging.TryRead(offset, limit, out var from, out var take)) return Paging.Problem(context);
        AgentStatus? status = null;
        if (context.Request.Query["status"].FirstOrDefault() is { Length: > 0 } named)
        {
            if (!AgentRules.TryStatus(named, out var parsed)) return Problems.Result(ProblemType.InvalidQuery, "status is active or inactive.", context);
            status = parsed;
        }
        var regency = region.Region.Level == RegionLevel.Regency ? region.Region : region.Region.Parent!;
        return TypedResults.Ok(await grains.AgentRegistry(regency.Code).List(region.Code, status, from, take));
    }
}
