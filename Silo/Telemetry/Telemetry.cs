using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Villages.Silo.Configuration;
using Villages.Village;

namespace Villages.Silo.Telemetry;

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
        var settings = TelemetryOptions.WithStandardVariables(services.AddValidatedOptions<TelemetryOptions>(configuration, TelemetryOptions.Section), configuration);
        var otlp = settings.OtlpEndpoint;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName + "/" + Environment.ProcessId));
        // Spans that go nowhere are not made: with listeners on the sources, grain calls built
        // activities and their tags (Orleans' call filters) that no sampler kept.
        if (settings.TracesAnything)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SampleRatio)))
                    .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", Villages.Silo.Storage.GroupCommitStorage.ActivitySourceName)
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        // Paths carry no personal data by contract; query strings are dropped all the same.
                        o.EnrichWithHttpRequest = (activity, request) => activity.SetTag("url.query", null);
                        o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/health");
                    })
                    .AddNpgsql();
                if (!string.IsNullOrEmpty(otlp)) tracing.AddOtlpExporter(o => Export(o, otlp, settings.HttpProtobuf, "traces"));
            });
        }
        telemetry.WithMetrics(metrics =>
        {
            metrics
                .AddMeter("Microsoft.Orleans", VillageMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter();
            // Recorded at every request or message and read by nobody: a dropped instrument is not listened
            // to, so its per-request work is not done. The request duration, the rate limiter's rejections,
            // Orleans' own instruments and the runtime's stay.
            foreach (var instrument in DroppedInstruments) metrics.AddView(instrument, MetricStreamConfiguration.Drop);
            if (!string.IsNullOrEmpty(otlp)) metrics.AddOtlpExporter(o => Export(o, otlp, settings.HttpProtobuf, "metrics"));
        });
        return services;
    }

    /// <summary>Instruments not collected (names as the meters publish them).</summary>
    private static readonly IReadOnlyList<string> DroppedInstruments =
    [
        "aspnetcore.rate_limiting.request_lease.duration", "aspnetcore.rate_limiting.active_request_leases",
        "aspnetcore.routing.match_attempts", "aspnetcore.authentication.authenticate.duration",
    ];

    /// <summary>Over HTTP each signal has its own path under the endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT means it.</summary>
    private static void Export(OpenTelemetry.Exporter.OtlpExporterOptions options, string endpoint, bool httpProtobuf, string signal)
    {
        if (httpProtobuf)
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
