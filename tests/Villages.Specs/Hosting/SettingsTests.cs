using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Villages.WebApi;

namespace Villages.Specs.Hosting;

/// <summary>Every setting is bound one way and checked before the service starts: a bad value stops it, naming the key.</summary>
public sealed class SettingsTests
{
    // Named, never created: building a host reads no certificate, only starting one does.
    private static readonly string UnusedCertificate = Path.Combine(Path.GetTempPath(), "villages-specs-unused-cluster-tls.pfx");

    [Theory]
    [InlineData("Villages:Program:MaximumBudget", "0")]
    [InlineData("Villages:Program:DefaultCoverageMonths", "0")]
    [InlineData("Villages:Enrollment:MaximumAgeYears", "-1")]
    [InlineData("Villages:Enrollment:MinimumAgeYears", "70")]
    [InlineData("Villages:Premiums:JkkRateBasisPoints", "-5")]
    [InlineData("Villages:Progress:PushInterval", "00:00:00")]
    [InlineData("Villages:Progress:DaysKept", "0")]
    [InlineData("Villages:Storage:EnrollmentsPerPage", "0")]
    [InlineData("Villages:Cluster:AdvertisedAddress", "not-an-address")]
    [InlineData("Villages:Cluster:SiloPort", "70000")]
    [InlineData("Villages:Cluster:ClientResponseTimeout", "00:00:00")]
    [InlineData("Villages:Privacy:Secret", "c2hvcnQ=")]
    [InlineData("Villages:Activations:MemoryTargetPercent", "95")]
    [InlineData("Villages:Telemetry:OtlpProtocol", "carrier-pigeon")]
    [InlineData("Villages:Telemetry:TraceSampleRatio", "2")]
    [InlineData("Villages:RateLimit:PerCallerPerSecond", "0")]
    [InlineData("Villages:Auth:Audience", "")]
    [InlineData("Villages:Demo:EnrollmentsPerSecond", "0")]
    [InlineData("Villages:Cluster:Tls:CertificatePath", "/no/such/certificate.pfx")]
    [InlineData("Villages:Cluster:Tls:StoreThumbprint", "not-hex")]
    [InlineData("Villages:Cluster:Tls:HandshakeTimeout", "00:00:00")]
    [InlineData("Villages:Limits:StreamsPerCaller", "0")]
    [InlineData("Villages:Limits:StreamsPerCaller", "6000")] // above the node's Streams
    [InlineData("Villages:Limits:Imports", "0")]
    [InlineData("Villages:Limits:ReconciliationsPerCaller", "9")] // above Reconciliations
    [InlineData("Villages:Limits:ImportBytes", "10")]
    [InlineData("Villages:Limits:RetryAfterSeconds", "0")]
    [InlineData("Villages:ForwardedHeaders:KnownProxies:0", "10.0.0.1, proxy.example")]
    [InlineData("Villages:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33")]
    [InlineData("Villages:ForwardedHeaders:ForwardLimit", "0")]
    public void A_bad_value_stops_start_up_with_a_message_naming_the_key(string key, string value)
    {
        var builder = Development((key, value));

        var refusal = Assert.Throws<OptionsValidationException>(() => builder.AddVillagesWebApi());

        Assert.Contains(key.EndsWith(":0", StringComparison.Ordinal) ? key[..^2] : key, refusal.Message); // a list is named, not its entry
    }

    [Fact]
    public void The_defaults_start() => Development().AddVillagesWebApi();

    [Fact]
    public void A_pure_webapi_node_gives_up_on_a_lost_silo_s_request_after_3_seconds()
    {
        var builder = Development(("Villages:Cluster:CoHostSilo", "false"));

        builder.AddVillagesWebApi();
        using var app = builder.Build();

        Assert.Equal(TimeSpan.FromSeconds(3), app.Services.GetRequiredService<IOptions<Orleans.Configuration.ClientMessagingOptions>>().Value.ResponseTimeout);
    }

    /// <summary>A development node with what every node needs, and the settings given.</summary>
    private static WebApplicationBuilder Development(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder();
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Villages"] = "Host=127.0.0.1;Database=unused",
            ["Villages:Privacy:Secret"] = Villages.Privacy.PrivacyOptions.NewSecret(),
            ["Villages:Cluster:Tls:SelfSignedPath"] = UnusedCertificate,
        };
        foreach (var (key, value) in settings) values[key] = value;
        builder.Configuration.AddInMemoryCollection(values);
        return builder;
    }

    [Fact]
    public void Outside_development_a_node_without_a_cluster_certificate_does_not_start()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Villages"] = "Host=127.0.0.1;Database=unused",
            ["Villages:Privacy:Secret"] = Villages.Privacy.PrivacyOptions.NewSecret(),
        });

        var refusal = Assert.Throws<OptionsValidationException>(() => builder.AddVillagesWebApi());

        Assert.Contains("Villages:Cluster:Tls:CertificatePath", refusal.Message);
    }
}
