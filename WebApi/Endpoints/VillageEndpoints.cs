using Microsoft.AspNetCore.Mvc;
using Villages.Domain;
using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.WebApi.Endpoints;

/// <summary>A village and its programme: GET /api/villages/{code}, PUT /api/villages/{code}/program.</summary>
public static class VillageEndpoints
{
    internal const long ProgramBodyLimit = 4 * 1024;

    public static RouteGroupBuilder MapVillageEndpoints(this IEndpointRouteBuilder app)
    {
        var villages = app.MapGroup("/api/villages/{code}").WithTags("Villages").Guarded();
        villages.MapGet("", GetVillage).WithName("getVillage")
            .WithSummary("A village, its programme, its enrolment count and status.")
            .Produces<VillageView>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);
        villages.MapPut("/program", PutProgram).WithName("putProgram").Requires(VillageAction.ChangeProgram)
            .WithSummary("Opens or changes the village's programme.")
            .Accepts<ProgramRequest>("application/json")
            .Produces<VillageView>().Produces<VillageView>(201).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403)
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        return villages;
    }

    private static async Task<IResult> GetVillage(VillageTarget village, IGrainFactory grains) =>
        TypedResults.Ok(await grains.Village(village.Code).GetVillage());

    private static async Task<IResult> PutProgram(VillageTarget village, HttpContext context, IGrainFactory grains, [FromServices] ProgramRules rules)
    {
        var body = await RequestBody.JsonAsync<ProgramRequest>(context, ProgramBodyLimit);
        if (body.Problem is not null) return body.Problem;
        if (!rules.TryResolve(body.Value!, village.Region.Kind!.Value, out var terms, out var invalid)) return Problems.Result(invalid, context);
        var outcome = await grains.Village(village.Code).SetProgram(terms, context.Actor(VillageAction.ChangeProgram));
        if (outcome.Failure is not null) return Problems.Result(outcome.Failure, context);
        return outcome.Created ? TypedResults.Created($"/api/villages/{village.Code}", outcome.Village) : TypedResults.Ok(outcome.Village);
    }
}
