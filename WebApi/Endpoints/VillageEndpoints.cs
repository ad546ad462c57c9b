using System.Globalization;
using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.WebApi.Endpoints;

/// <summary>
/// A village and its programmes: GET /api/villages/{code}; PUT .../programs/{year} (a budget year's
/// programme, per funder and cohort) and PUT .../program (this year's); renewals into a year.
/// </summary>
public static class VillageEndpoints
{
    private const long ProgramBodyLimit = 8 * 1024;
    /// <summary>Room for every enrolment id of a large village (26 characters each, quoted).</summary>
    private const long RenewalBodyLimit = BodyLimit.Undeclared;

    public static RouteGroupBuilder MapVillageEndpoints(this IEndpointRouteBuilder app)
    {
        var villages = app.MapGroup("/api/villages/{code}").WithTags("Villages").Guarded();
        villages.MapGet("", GetVillage).WithName("getVillage")
            .WithSummary("A village, this year's programmes, its workers covered today and status.")
            .Produces<VillageView>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);
        villages.MapPut("/program", (VillageTarget village, HttpContext context, IGrainFactory grains) => PutPrograms(village, null, context, grains))
            .WithName("putProgram").Requires(VillageAction.ChangeProgram)
            .WithSummary("Opens or changes this year's programme (WIB): one object, or an array of one per funder.")
            .Accepts<ProgramRequest>("application/json").WithOneOrManyBody().WithBodyLimit(ProgramBodyLimit)
            .Produces<VillageView>().Produces<VillageView>(201).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403)
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        villages.MapPut("/programs/{year}", (VillageTarget village, string year, HttpContext context, IGrainFactory grains) =>
                TryYear(year, context, out var budgetYear, out var problem) ? PutPrograms(village, budgetYear, context, grains) : Task.FromResult(problem))
            .WithName("putYearProgram").Requires(VillageAction.ChangeProgram)
            .WithSummary("Opens or changes a budget year's programme: one object, or an array of one per funder (SD, SA, SL) and cohort.")
            .Accepts<ProgramRequest>("application/json").WithOneOrManyBody().WithBodyLimit(ProgramBodyLimit)
            .Produces<VillageView>().Produces<VillageView>(201).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403)
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        villages.MapPost("/programs/{year}/renewals", Renew).WithName("renew").Requires(VillageAction.Renew)
            .WithSummary("Renews the previous year's workers (no body: all of them; or enrollmentIds) into this year's programme; one result per worker.")
            .Accepts<RenewalRequest>("application/json").WithOptionalBody().WithBodyLimit(RenewalBodyLimit)
            .Produces<RenewalAnswer>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        return villages;
    }

    /// <summary>A budget year in a path: four digits (whether it is near enough to today is the ledger's rule).</summary>
    internal static bool TryYear(string text, HttpContext context, out int year, out IResult problem)
    {
        problem = null!;
        year = 0;
        if (text.Length == 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out year)) return true;
        problem = Problems.Result(ProblemType.InvalidYear, "A budget year is four digits, e.g. 2027.", context);
        return false;
    }

    private static async Task<IResult> GetVillage(VillageTarget village, IGrainFactory grains) =>
        TypedResults.Ok(await grains.Village(village.Code).GetVillage());

    private static async Task<IResult> PutPrograms(VillageTarget village, int? year, HttpContext context, IGrainFactory grains)
    {
        var body = await RequestBody.JsonOneOrManyAsync<ProgramRequest>(context);
        if (body.Problem is not null) return body.Problem;
        var outcome = await grains.Village(village.Code).SetPrograms(year, body.Value!, context.Actor(VillageAction.ChangeProgram, village.Code));
        if (outcome.Failure is not null) return Problems.Result(outcome.Failure, context);
        return outcome.Created ? TypedResults.Created($"/api/villages/{village.Code}", outcome.Village) : TypedResults.Ok(outcome.Village);
    }

    private static async Task<IResult> Renew(VillageTarget village, string year, HttpContext context, IGrainFactory grains)
    {
        if (!TryYear(year, context, out var budgetYear, out var problem)) return problem;
        var body = await RequestBody.OptionalJsonAsync(context, new RenewalRequest());
        if (body.Problem is not null) return body.Problem;
        var answer = await grains.Village(village.Code).Renew(budgetYear, body.Value!, context.Actor(VillageAction.Renew, village.Code));
        return answer.Failure is not null ? Problems.Result(answer.Failure, context) : TypedResults.Ok(answer);
    }
}
