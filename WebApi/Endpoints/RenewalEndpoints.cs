using Villages.Regions;
using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.WebApi.Endpoints;

/// <summary>The request of a region's renewal job: the budget year to renew into.</summary>
public sealed record RenewalJobRequest(int? Year);

/// <summary>
/// A regency's renewal: every village of the regency (or a district) renews its previous year's
/// workers into the year's programme, in the background, with progress and a report per worker.
/// </summary>
public static class RenewalEndpoints
{
    private const long BodyLimit = 1024;
    private static readonly string[] ReportHeader = ["villageCode", "enrollmentId", "nik", "result", "code", "detail"];

    private static readonly RegionLevels RegencyOrDistrict =
        new("Renew by regency (PP.RR) or district (PP.RR.DD), e.g. 35.10.", RegionLevel.Regency, RegionLevel.District);

    public static void MapRenewalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/regions/{code}").WithTags("Renewals").Guarded()
            .MapPost("/renewals", Start).WithName("startRegionRenewal").Requires(VillageAction.RenewRegion).WithMetadata(RegencyOrDistrict)
            .WithSummary("Starts renewing every village's previous year's workers into the year's programme (regency officers); 202 and a job to watch.")
            .Accepts<RenewalJobRequest>("application/json").WithBodyLimit(BodyLimit).Produces<RenewalJobStatus>(202)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        var jobs = app.MapGroup("/api/renewals").WithTags("Renewals").Guarded();
        jobs.MapGet("/{id}", Status).WithName("getRenewalJob").RequiresSignIn()
            .WithSummary("A renewal job's progress and counts.").Produces<RenewalJobStatus>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        jobs.MapGet("/{id}/report", Report).WithName("getRenewalJobReport").RequiresSignIn()
            .WithSummary("One line per worker (renewed, already renewed, held elsewhere, over budget, refused) and per village refused (CSV).")
            .Produces<string>(200, "text/csv").ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
    }

    private static async Task<IResult> Start(RegionTarget target, HttpContext context, IGrainFactory grains,
        [Microsoft.AspNetCore.Mvc.FromServices] Domain.ProgramRules rules, [FromKeyedServices(DomainClock.Key)] TimeProvider clock)
    {
        var body = await RequestBody.JsonAsync<RenewalJobRequest>(context);
        if (body.Problem is not null) return body.Problem;
        if (body.Value!.Year is not { } year)
        {
            return Problems.Result(new Failure(FailureCode.InvalidYear, "year is required: the budget year to renew into, e.g. 2027.", "year"), context);
        }
        if (rules.CheckYear(year, Domain.CoverageCalendar.LocalDate(clock.GetUtcNow())) is { } badYear) return Problems.Result(badYear, context);
        var id = Guid.NewGuid();
        var status = await grains.GetGrain<IRenewalJobGrain>(id).Start(target.Region.Code, year, context.Actor(VillageAction.RenewRegion, target.Region.Code));
        return TypedResults.Accepted($"/api/renewals/{id}", status);
    }

    private static async Task<IResult> Status(string id, HttpContext context, IGrainFactory grains)
    {
        var (status, problem) = await Find(id, context, grains);
        return problem ?? TypedResults.Ok(status);
    }

    private static async Task<IResult> Report(string id, HttpContext context, IGrainFactory grains)
    {
        var (status, problem) = await Find(id, context, grains);
        if (problem is not null) return problem;
        var rows = await grains.GetGrain<IRenewalJobGrain>(status!.Id).GetReport();
        return await CsvDownload.CreateAsync(context, $"renewal-{status.Region}-{status.Year}.csv", ReportHeader, async csv =>
        {
            foreach (var r in rows)
            {
                csv.WriteField(r.VillageCode);
                csv.WriteField(r.EnrollmentId ?? "");
                csv.WriteField(r.MaskedNik ?? "");
                csv.WriteField(System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(r.Result.ToString()));
                csv.WriteField(r.Code ?? "");
                csv.WriteField(r.Detail ?? "");
                await csv.NextRecordAsync();
            }
        });
    }

    private static async Task<(RenewalJobStatus? Status, IResult? Problem)> Find(string id, HttpContext context, IGrainFactory grains)
    {
        var status = Guid.TryParse(id, out var guid) ? await grains.GetGrain<IRenewalJobGrain>(guid).GetStatus() : null;
        if (status is null) return (null, Problems.Result(ProblemType.NotFound, "No renewal job with that id.", context));
        if (!AccessPolicy.MaySeeImport(context.Caller(), status.Owner))
        {
            return (null, Problems.Result(ProblemType.Forbidden, "This renewal job was started by someone else.", context));
        }
        return (status, null);
    }
}
