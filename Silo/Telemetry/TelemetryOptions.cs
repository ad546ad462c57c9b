using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Villages.Silo.Telemetry;

/// <summary>Where traces and metrics go besides /metrics (`Villages:Telemetry`, or the standard OTEL_ variables).</summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string Section = "Villages:Telemetry";

    /// <summary>An OTLP collector (OTEL_EXPORTER_OTLP_ENDPOINT when unset); none: no OTLP export.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>"grpc" (port 4317, the default) or "http/protobuf" (port 4318) for collectors and proxies that speak plain HTTP.</summary>
    public string? OtlpProtocol { get; set; }

    /// <summary>
    /// Share of requests traced. Spans cost on every grain call: all of them when they go somewhere
    /// (OTLP), none by default otherwise; with OTLP, a caller's sampled traceparent is always honoured.
    /// </summary>
    [Range(0.0, 1.0)]
    public double? TraceSampleRatio { get; set; }

    public bool HttpProtobuf => string.Equals(OtlpProtocol, "http/protobuf", StringComparison.OrdinalIgnoreCase);

    public double SampleRatio => TraceSampleRatio ?? (string.IsNullOrEmpty(OtlpEndpoint) ? 0.0 : 1.0);

    /// <summary>The standard OTEL_ variables where the product's own keys are not set.</summary>
    public static TelemetryOptions WithStandardVariables(TelemetryOptions settings, IConfiguration configuration)
    {
        settings.OtlpEndpoint ??= configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        settings.OtlpProtocol ??= configuration["OTEL_EXPORTER_OTLP_PROTOCOL"];
        return settings;
    }

    /// <summary>The settings as configured, for what is decided while a host is built (Orleans' trace propagation).</summary>
    public static TelemetryOptions From(IConfiguration configuration) =>
        WithStandardVariables(configuration.GetSection(Section).Get<TelemetryOptions>() ?? new(), configuration);

    /// <summary>Tracing is set up at all: spans have somewhere to go, or a share of requests is asked for.</summary>
    public bool TracesAnything => !string.IsNullOrEmpty(OtlpEndpoint) || SampleRatio > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(OtlpEndpoint) && !Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out _))
        {
            yield return new ValidationResult("must be an absolute URL (e.g. http://collector:4317).", [nameof(OtlpEndpoint)]);
        }
        if (OtlpProtocol is not (null or "" or "grpc") && !HttpProtobuf)
        {
            yield return new ValidationResult("must be grpc or http/protobuf.", [nameof(OtlpProtocol)]);
        }
    }
}
