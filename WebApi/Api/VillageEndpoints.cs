using Microsoft.AspNetCore.Mvc;
using Villages.Domain;
using Villages.Regions;
using Villages.WebApi.Security;

namespace Villages.WebApi.Api;

/// <summary>A village and its programme: GET /api/villages/{code}, PUT /api/villages/{code}/program.</summary>
public static class VillageEndpoints
{
    internal const long ProgramBodyLimit = 4 * 1024;

    public static RouteGroupBuilder MapVillageEndpoints(this IEndpointRouteBuilder app)
    {
        var villages = app.MapGroup("/api/villages").WithTags("Villages");
        villages.MapGet("/{code}", GetVillage)
            .WithSummary("A village, its programme, its enrolment count and status.")
            .Produces<VillageView>().ProducesProblem(400).ProducesProblem(404);
        villages.MapPut("/{code}/program", PutProgram)
            .WithSummary("Opens or changes the village's programme.")
            .Accepts<ProgramBody>("application/json")
            .Produces<VillageView>().Produces<VillageView>(201).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        return villages;
    }

    /// <summary>Shape first (400), then existence in the reference data (404): before any grain is touched.</summary>
    internal static bool TryFindVillage(string code, HttpContext context, out Region village, out IResult problem)
    {
        problem = null!;
        if (!RegionCode.IsVillageCode(code))
        {
            village = null!;
            problem = Problems.Result(FailureCode.InvalidVillageCode.Slug(), "A village code looks like PP.RR.DD.VVVV, e.g. 35.10.01.2001.", context);
            return false;
        }
        if (!context.RequestServices.GetRequiredService<RegionCatalog>().TryGet(code, out village))
        {
            problem = Problems.Result(FailureCode.VillageNotFound.Slug(), $"No village {code} in the reference data (Kepmendagri 300.2.2-2138/2025).", context);
            return false;
        }
        return true;
    }

    private static async Task<IResult> GetVillage(string code, HttpContext context, IGrainFactory grains, ProgramOptions program)
    {
        if (!TryFindVillage(code, context, out var village, out var problem)) return problem;
        var snapshot = await grains.Village(code).GetSnapshot();
        return TypedResults.Ok(Json.Village(village, snapshot, program.DefaultTargetWorkers));
    }

    private static async Task<IResult> PutProgram(string code, HttpContext context, IGrainFactory grains, ProgramOptions defaults)
    {
        if (!TryFindVillage(code, context, out var village, out var problem)) return problem;
        if (AccessPolicy.Check(context, VillageAction.ChangeProgram, code) is { } refused) return refused;
        var body = await RequestBody.JsonAsync<ProgramBody>(context, ProgramBodyLimit);
        if (body.Problem is not null) return body.Problem;
        var request = body.Value!;
        if (request.BudgetAllocated is null)
        {
            return Problems.Result(new Failure(FailureCode.InvalidProgram, "budgetAllocated is required (whole rupiah).", "budgetAllocated"), context);
        }
        FundingSource funding;
        if (request.FundingSource is null) funding = ProgramRules.DefaultFunding(village.Kind!.Value);
        else if (!Enum.TryParse(request.FundingSource.Trim(), ignoreCase: true, out funding) || !Enum.IsDefined(funding) || int.TryParse(request.FundingSource, out _))
        {
            return Problems.Result(new Failure(FailureCode.InvalidProgram, "fundingSource must be SD (village budget), SA (regional budget) or SL (other).", "fundingSource"), context);
        }
        var terms = new ProgramTerms(
            request.TargetWorkers ?? defaults.DefaultTargetWorkers, request.BudgetAllocated.Value,
            request.CoverageMonths ?? defaults.DefaultCoverageMonths, funding);
        var outcome = await grains.Village(code).SetProgram(terms, context.Actor(VillageAction.ChangeProgram));
        if (outcome.Failure is not null) return Problems.Result(outcome.Failure, context);
        var view = Json.Village(village, outcome.Village!, defaults.DefaultTargetWorkers);
        return outcome.Created ? TypedResults.Created($"/api/villages/{code}", view) : TypedResults.Ok(view);
    }
}
