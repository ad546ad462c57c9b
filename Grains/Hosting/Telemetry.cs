using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Villages.Village;

namespace Villages.Hosting;

/// <summary>
/// Traces (HTTP, grain calls, PostgreSQL) and metrics (Orleans, ASP.NET Core, runtime, ours) for
/// every process. Prometheus text is served at /metrics; OTLP is added when
/// OTEL_EXPORTER_OTLP_ENDPOINT (or Villages:Telemetry:OtlpEndpoint) is set.
/// Nothing here records a request body or query string value: a NIK travels only in bodies.
/// </summary>
public static class Telemetry
{
    public static IServiceCollection AddVillagesTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var otlp = configuration["Villages:Telemetry:OtlpEndpoint"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        // Spans cost on every grain call: record all of them when they go somewhere (OTLP), none by
        // default otherwise; a caller's sampled traceparent is always honoured.
        // gRPC (port 4317) by default; "http/protobuf" (port 4318) for collectors and proxies that speak plain HTTP.
        var protocol = configuration["Villages:Telemetry:OtlpProtocol"] ?? configuration["OTEL_EXPORTER_OTLP_PROTOCOL"];
        var ratio = configuration.GetValue<double?>("Villages:Telemetry:TraceSampleRatio") ?? (string.IsNullOrEmpty(otlp) ? 0.0 : 1.0);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName + "/" + Environment.ProcessId))
            .WithTracing(tracing =>
            {
                tracing
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)))
                    .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        // Paths carry no personal data by contract; query strings are dropped all the same.
                        o.EnrichWithHttpRequest = (activity, request) => activity.SetTag("url.query", null);
                        o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/health");
                    })
                    .AddNpgsql();
                if (!string.IsNullOrEmpty(otlp)) tracing.AddOtlpExporter(o => Export(o, otlp, protocol, "traces"));
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter("Microsoft.Orleans", VillageMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (!string.IsNullOrEmpty(otlp)) metrics.AddOtlpExporter(o => Export(o, otlp, protocol, "metrics"));
            });
        return services;
    }

    /// <summary>Over HTTP each signal has its own path under the endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT means it.</summary>
    private static void Export(OpenTelemetry.Exporter.OtlpExporterOptions options, string endpoint, string? protocol, string signal)
    {
        if (string.Equals(protocol, "http/protobuf", StringComparison.OrdinalIgnoreCase))
        {
            options.Protocol = OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
            options.Endpoint = new Uri(endpoint.TrimEnd('/') + "/v1/" + signal);
        }
        else
        {
            options.Endpoint = new Uri(endpoint);
        }
    }
}
