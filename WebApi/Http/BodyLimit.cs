namespace Villages.WebApi.Http;

/// <summary>
/// Endpoint metadata: the largest body the endpoint reads, in bytes. Every endpoint that takes a
/// body declares one; <see cref="RequestBody"/> enforces it (413 beyond) and the OpenAPI document
/// states it on the request body (`x-maximum-bytes`).
/// </summary>
public sealed record BodyLimit(long Bytes)
{
    /// <summary>Kestrel's own limit, for a body no endpoint declared: the largest fixed JSON body (a village's renewal list).</summary>
    public const long Undeclared = 1024 * 1024;

    public const string OpenApiExtension = "x-maximum-bytes";
}

public static class BodyLimits
{
    public static RouteHandlerBuilder WithBodyLimit(this RouteHandlerBuilder endpoint, long bytes) => endpoint.WithMetadata(new BodyLimit(bytes));

    /// <summary>The limit the endpoint of this request declared.</summary>
    public static long Of(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>()?.Bytes
        ?? throw new InvalidOperationException($"{context.GetEndpoint()?.DisplayName} reads a body but declares no BodyLimit.");
}

/// <summary>Endpoint metadata: the endpoint starts something that runs on (a stream, a job), bounded by <see cref="LimitOptions"/>; for its 429.</summary>
public sealed record RunningLimit(string What);

public static class RunningLimits
{
    public static RouteHandlerBuilder LimitsRunning(this RouteHandlerBuilder endpoint, string what) => endpoint.WithMetadata(new RunningLimit(what));
}
