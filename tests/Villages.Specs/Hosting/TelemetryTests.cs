using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Villages.Silo.Telemetry;

namespace Villages.Specs.Hosting;

/// <summary>Spans are made only when they go somewhere: otherwise every request and grain call paid for them.</summary>
public sealed class TelemetryTests
{
    [Theory]
    [InlineData(null, null, false)]
    [InlineData(null, "0", false)]
    [InlineData("http://collector:4317", null, true)]
    [InlineData("http://collector:4317", "0", true)] // a caller's sampled traceparent is still honoured
    [InlineData(null, "0.5", true)]
    public void Tracing_is_set_up_only_with_an_otlp_endpoint_or_a_share_of_requests_to_trace(string? endpoint, string? ratio, bool traced)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Villages:Telemetry:OtlpEndpoint"] = endpoint,
            ["Villages:Telemetry:TraceSampleRatio"] = ratio,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddVillagesTelemetry(configuration, "villages-specs");
        using var provider = services.BuildServiceProvider();

        Assert.Equal(traced, provider.GetService<TracerProvider>() is not null);
        Assert.Equal(traced, TelemetryOptions.From(configuration).TracesAnything); // Orleans' trace propagation follows the same setting
    }

    [Fact]
    public void The_standard_otel_endpoint_variable_turns_tracing_on()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4317" }).Build();
        Assert.True(TelemetryOptions.From(configuration).TracesAnything);
    }
}
