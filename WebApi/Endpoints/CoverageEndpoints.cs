using System.Globalization;
using Villages.Domain;
using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.WebApi.Endpoints;

/// <summary>
/// "Was this worker covered on that day?" (POST /api/coverage/lookup, the NIK only in the body), and
/// the audit trail of those questions. For BPJS branch staff, officers and village operators: the
/// answer names a village only within the caller's region.
/// </summary>
public static class CoverageEndpoints
{
    private const long LookupBodyLimit = 1024;

    public static void MapCoverageEndpoints(this IEndpointRouteBuilder app)
    {
        var coverage = app.MapGroup("/api/coverage").WithTags("Coverage").Guarded();
        coverage.MapPost("/lookup", Lookup).WithName("lookupCoverage")
            .RequiresAnywhere(VillageAction.LookupCoverage)
            .WithSummary("Whether a worker was covered on a day: by which village, programme and funder, from when to when. Every question is audited.")
            .Accepts<CoverageLookup>("application/json").WithBodyLimit(LookupBodyLimit)
            .Produces<CoverageAnswer>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        coverage.MapGet("/lookups", Lookups).WithName("listCoverageLookups")
            .RequiresAnywhere(VillageAction.AuditLookups)
            .WithSummary("The coverage questions asked in a month (month=YYYY-MM, WIB), newest first: who asked, about whom (masked), for which day, and the answer.")
            .Produces<CoverageLookupPage>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(503);
    }

    private static async Task<IResult> Lookup(HttpContext context, IGrainFactory grains, [FromKeyedServices(DomainClock.Key)] TimeProvider clock, [Microsoft.AspNetCore.Mvc.FromServices] EnrollmentOptions options)
    {
        var body = await RequestBody.JsonAsync<CoverageLookup>(context);
        if (body.Problem is not null) return body.Problem;
        var (nik, date) = (body.Value!.Nik, body.Value.Date);
        var today = CoverageCalendar.LocalDate(clock.GetUtcNow());
        // Any NIK that was valid for some worker: the age limits of enrolment do not apply to a question.
        if (!Nik.TryValidate(nik, today, new EnrollmentOptions { MinimumAgeYears = 0, MaximumAgeYears = 200 }, out _, out var nikProblem))
        {
            return Problems.Result(new Failure(FailureCode.InvalidNik, nikProblem, "nik"), context);
        }
        // A claim is about a day that has passed, or a coverage already paid: not years from now.
        if (date is not { } day || day < new DateOnly(2000, 1, 1) || day > today.AddYears(1))
        {
            return Problems.Result(new Failure(FailureCode.InvalidDate,
                $"date is a day (YYYY-MM-DD) from 2000-01-01 to {today.AddYears(1):yyyy-MM-dd}.", "date"), context);
        }
        var answer = await grains.GetGrain<ICoverageLookupGrain>(0).Lookup(nik!, day, context.Actor(VillageAction.LookupCoverage));
        var caller = context.Caller();
        if (answer.VillageCode is { } village && !AccessPolicy.Allows(caller, VillageAction.LookupCoverage, village))
        {
            return Problems.Result(ProblemType.Forbidden,
                "The worker's coverage on that day is outside your region: ask the BPJS branch or the officers of that region.", context);
        }
        return TypedResults.Ok(answer);
    }

    private static async Task<IResult> Lookups(HttpContext context, IGrainFactory grains, [FromKeyedServices(DomainClock.Key)] TimeProvider clock, string? month, string? offset, string? limit)
    {
        var current = clock.GetUtcNow().ToOffset(CoverageCalendar.Wib).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (month is not null && !DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return Problems.Result(ProblemType.InvalidQuery, "month is YYYY-MM, e.g. 2026-11.", context);
        }
        if (!Paging.TryRead(offset, limit, out var from, out var take)) return Paging.Problem(context);
        return TypedResults.Ok(await grains.GetGrain<ICoverageAuditGrain>(month ?? current).List(from, take));
    }
}
