using System.ComponentModel.DataAnnotations;

namespace Villages.WebApi.Http;

/// <summary>
/// What one client may hold at once (`Villages:Limits`), beyond its request budget
/// (<see cref="RateLimitOptions"/>): live streams, background jobs, upload sizes. A caller is its
/// token subject when signed in, else its address (after <see cref="ForwardedHeadersSetup"/>).
/// </summary>
public sealed class LimitOptions : IValidatableObject
{
    public const string Section = "Villages:Limits";

    /// <summary>Server-Sent Events streams (GET /api/progress/stream) one caller may hold open on a node.</summary>
    [Range(1, 10_000)]
    public int StreamsPerCaller { get; set; } = 10;

    /// <summary>Streams a node holds open in all: each is a connection and a subscription's listener.</summary>
    [Range(1, 1_000_000)]
    public int Streams { get; set; } = 5_000;

    /// <summary>Imports (POST /api/imports) one caller may have running at once, in the whole cluster.</summary>
    [Range(1, 1_000)]
    public int ImportsPerCaller { get; set; } = 2;

    /// <summary>Imports running at once in the whole cluster.</summary>
    [Range(1, 10_000)]
    public int Imports { get; set; } = 16;

    /// <summary>Reconciliations (POST /api/regions/{code}/reconciliations) one caller may have running at once.</summary>
    [Range(1, 1_000)]
    public int ReconciliationsPerCaller { get; set; } = 2;

    /// <summary>Reconciliations running at once in the whole cluster.</summary>
    [Range(1, 10_000)]
    public int Reconciliations { get; set; } = 8;

    /// <summary>What a refused stream or job is told to wait (Retry-After), in seconds.</summary>
    [Range(1, 3_600)]
    public int RetryAfterSeconds { get; set; } = 30;

    /// <summary>The largest import file (text/csv), in bytes.</summary>
    [Range(1_024, 1L << 30)]
    public long ImportBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The largest BPJS result file (text/csv), in bytes.</summary>
    [Range(1_024, 1L << 30)]
    public long ReconciliationBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The largest batch of enrolments (JSON or text/csv, up to 1,000 rows), in bytes.</summary>
    [Range(1_024, 1L << 30)]
    public long BatchBytes { get; set; } = 2 * 1024 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StreamsPerCaller > Streams) yield return new ValidationResult("must not be above Streams.", [nameof(StreamsPerCaller)]);
        if (ImportsPerCaller > Imports) yield return new ValidationResult("must not be above Imports.", [nameof(ImportsPerCaller)]);
        if (ReconciliationsPerCaller > Reconciliations) yield return new ValidationResult("must not be above Reconciliations.", [nameof(ReconciliationsPerCaller)]);
    }
}
