using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace Villages.WebApi.Http;

/// <summary>
/// RFC 9457 problem details from the <see cref="ProblemType"/> catalogue: the type, the same code
/// again as "code" for clients that prefer a plain string, the request path and its trace, and a
/// detail that says what to fix. Details never contain a NIK.
/// </summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ProblemDetails Create(ProblemType type, string detail, HttpContext? context = null)
    {
        var problem = new ProblemDetails { Type = type.Type, Title = type.Title, Status = type.Status, Detail = detail };
        problem.Extensions["code"] = type.Code;
        if (context is not null) problem.Instance = context.Request.Path;
        problem.Extensions["traceId"] = Activity.Current?.Id ?? context?.TraceIdentifier;
        return problem;
    }

    /// <summary>A refusal by the ledger, with the fields that help fix it.</summary>
    public static ProblemDetails From(Failure failure, HttpContext? context = null)
    {
        var problem = Create(ProblemType.Of(failure.Code), failure.Detail, context);
        if (failure.Field is not null) problem.Extensions["field"] = failure.Field;
        if (failure.Needed is not null) problem.Extensions["needed"] = failure.Needed;
        if (failure.Remaining is not null) problem.Extensions["remaining"] = failure.Remaining;
        if (failure.OtherVillage is not null) problem.Extensions["otherVillage"] = failure.OtherVillage;
        return problem;
    }

    public static IResult Result(ProblemType type, string detail, HttpContext context, int? retryAfterSeconds = null) =>
        Result(Create(type, detail, context), type, context, retryAfterSeconds);

    public static IResult Result(Failure failure, HttpContext context) => Result(From(failure, context), ProblemType.Of(failure.Code), context);

    /// <summary>For middleware that answers before any endpoint runs (authentication, limits, errors).</summary>
    public static Task WriteAsync(HttpContext context, ProblemType type, string detail, int? retryAfterSeconds = null) =>
        Result(type, detail, context, retryAfterSeconds).ExecuteAsync(context);

    private static IResult Result(ProblemDetails problem, ProblemType type, HttpContext context, int? retryAfterSeconds = null)
    {
        if ((retryAfterSeconds ?? type.RetryAfterSeconds) is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
        return TypedResults.Problem(problem);
    }
}
