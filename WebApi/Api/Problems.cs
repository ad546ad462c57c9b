using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Villages.Village;

namespace Villages.WebApi.Api;

/// <summary>
/// RFC 9457 problem details with a stable type per failure: "/problems/{slug}" plus the slug again
/// as "code" for clients that prefer a plain string. Details never contain a NIK.
/// </summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    /// <summary>Every problem type this API answers with, for documentation and tests.</summary>
    public static readonly IReadOnlyDictionary<string, (int Status, string Title)> Catalog = new Dictionary<string, (int, string)>
    {
        [FailureCode.InvalidVillageCode.Slug()] = (400, "The village code is malformed"),
        [FailureCode.VillageNotFound.Slug()] = (404, "No such village"),
        [FailureCode.InvalidProgram.Slug()] = (400, "The programme is invalid"),
        [FailureCode.FundingSourceNotAllowed.Slug()] = (400, "This funding source is not allowed for this village"),
        [FailureCode.BudgetBelowCommitted.Slug()] = (409, "The budget cannot go below what is committed"),
        [FailureCode.ProgramNotOpen.Slug()] = (409, "The village has no programme yet"),
        [FailureCode.InvalidNik.Slug()] = (400, "The NIK is invalid"),
        [FailureCode.InvalidEnrollment.Slug()] = (400, "The worker's data is invalid"),
        [FailureCode.BudgetExceeded.Slug()] = (409, "The budget left does not cover this enrolment"),
        [FailureCode.EnrolledElsewhere.Slug()] = (409, "The worker is enrolled in another village"),
        [FailureCode.EnrollmentNotFound.Slug()] = (404, "No such enrolment in this village"),
        [FailureCode.StorageUnavailable.Slug()] = (503, "The ledger is briefly unavailable"),
        ["malformed-request"] = (400, "The request body could not be read"),
        ["invalid-region-code"] = (400, "The region code is malformed"),
        ["region-not-found"] = (404, "No such region"),
        ["invalid-query"] = (400, "A query parameter is invalid"),
        ["unsupported-media-type"] = (415, "Unsupported content type"),
        ["payload-too-large"] = (413, "The request body is too large"),
        ["batch-too-large"] = (413, "Too many rows in one batch"),
        ["not-found"] = (404, "No such resource"),
        ["unauthenticated"] = (401, "Sign in first"),
        ["forbidden"] = (403, "Not allowed for your role or region"),
        ["rate-limited"] = (429, "Too many requests"),
        ["method-not-allowed"] = (405, "Method not allowed"),
        ["service-unavailable"] = (503, "The service is briefly unavailable"),
        ["internal-error"] = (500, "Something went wrong on our side"),
    };

    public static string TypeOf(string slug) => "/problems/" + slug;

    public static int StatusOf(FailureCode code) => Catalog[code.Slug()].Status;

    public static ProblemDetails Create(string slug, string detail, HttpContext? context = null)
    {
        var (status, title) = Catalog.TryGetValue(slug, out var entry) ? entry : (500, "Something went wrong on our side");
        var problem = new ProblemDetails { Type = TypeOf(slug), Title = title, Status = status, Detail = detail };
        problem.Extensions["code"] = slug;
        if (context is not null) problem.Instance = context.Request.Path;
        problem.Extensions["traceId"] = Activity.Current?.Id ?? context?.TraceIdentifier;
        return problem;
    }

    public static ProblemDetails From(Failure failure, HttpContext? context = null)
    {
        var problem = Create(failure.Code.Slug(), failure.Detail, context);
        if (failure.Field is not null) problem.Extensions["field"] = failure.Field;
        if (failure.Needed is not null) problem.Extensions["needed"] = failure.Needed;
        if (failure.Remaining is not null) problem.Extensions["remaining"] = failure.Remaining;
        if (failure.OtherVillage is not null) problem.Extensions["otherVillage"] = failure.OtherVillage;
        return problem;
    }

    public static IResult Result(ProblemDetails problem, HttpContext? context = null)
    {
        if (problem.Status == StatusCodes.Status503ServiceUnavailable && context is not null)
        {
            context.Response.Headers.RetryAfter = "2";
        }
        return TypedResults.Problem(problem);
    }

    public static IResult Result(Failure failure, HttpContext context) => Result(From(failure, context), context);

    public static IResult Result(string slug, string detail, HttpContext context) => Result(Create(slug, detail, context), context);
}
