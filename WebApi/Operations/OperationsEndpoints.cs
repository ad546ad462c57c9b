using Villages.WebApi.Http;

namespace Villages.WebApi.Operations;

/// <summary>Probes, metrics, the OpenAPI document and the problem types' own pages.</summary>
public static class OperationsEndpoints
{
    public static void MapOperationsEndpoints(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        // Each problem type is a URL (RFC 9457): what it means, for a person who follows it.
        app.MapGet("/problems/{code}", (string code, HttpContext context) =>
                ProblemType.Find(code) is { } type
                    ? TypedResults.Ok(new { type = type.Type, type.Title, type.Status })
                    : Problems.Result(ProblemType.NotFound, "No such problem type.", context))
            .ExcludeFromDescription();
    }
}
