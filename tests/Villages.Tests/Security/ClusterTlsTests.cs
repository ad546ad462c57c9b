using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Villages.Silo.Hosting;
using Villages.Silo.Tls;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Security;

/// <summary>
/// The cluster's ports under mutual TLS, as a pod in the same network would try them: a silo of the
/// product's own configuration, then clients that connect to its gateway with the cluster's
/// certificate, with none, or with a certificate the cluster does not trust.
/// </summary>
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private readonly string _clusterId = "tls-" + Guid.NewGuid().ToString("N")[..8];
    private readonly CapturedLogs _siloLogs = new();
    private readonly string _untrusted = Path.Combine(TestPostgres.RootDirectory, $"untrusted-{Guid.NewGuid():N}.pfx");
    private string _database = null!;
    private IHost _silo = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync("tls");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(Settings(TestCertificates.Settings));
        builder.Logging.ClearProviders().AddProvider(_siloLogs);
        builder.AddVillagesSilo("tls-test-silo");
        _silo = builder.Build();
        await _silo.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _silo.StopAsync();
        _silo.Dispose();
        TestPostgres.Release(_database);
        File.Delete(_untrusted);
    }

    [Fact]
    public async Task A_client_with_the_cluster_certificate_calls_grains()
    {
        var village = await CallThroughClientAsync(TestCertificates.Settings);

        Assert.Equal("35.10.01.2001", village.Code);
    }

    [Fact]
    public async Task A_client_without_a_certificate_reaches_no_grain()
    {
        var refused = await Record.ExceptionAsync(() => CallThroughClientAsync([new($"{ClusterTlsOptions.Section}:Enabled", "false")]));

        Assert.IsType<Orleans.Runtime.Messaging.ConnectionFailedException>(refused);
    }

    [Fact]
    public async Task A_client_with_a_certificate_the_cluster_does_not_trust_reaches_no_grain()
    {
        // Its own self-signed certificate; it trusts the cluster's, so only the silo's refusal can stop it.
        using var cluster = ClusterCertificates.LoadSelfSigned(TestCertificates.SelfSignedPath);
        var refused = await Record.ExceptionAsync(() => CallThroughClientAsync(
        [
            new($"{ClusterTlsOptions.Section}:SelfSignedPath", _untrusted),
            new($"{ClusterTlsOptions.Section}:TrustedThumbprints:0", cluster.Thumbprint),
        ]));

        Assert.IsType<Orleans.Runtime.Messaging.ConnectionFailedException>(refused);
        Assert.Contains(_siloLogs.Lines, line => line.Contains("refused a peer presenting CN=villages-cluster", StringComparison.Ordinal));
    }

    /// <summary>A pure cluster client (as a WebApi node is) started with <paramref name="tls"/>, reading one village.</summary>
    private async Task<Villages.VillageView> CallThroughClientAsync(IEnumerable<KeyValuePair<string, string?>> tls)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(Settings(tls));
        // One try: a refused connection is reported at once instead of retried.
        builder.AddVillagesClient("tls-test-client", client => client.UseConnectionRetryFilter((_, _) => Task.FromResult(false)));
        using var client = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await client.StartAsync(timeout.Token);
            return await client.Services.GetRequiredService<IGrainFactory>().GetGrain<IVillageGrain>("35.10.01.2001").GetVillage().WaitAsync(timeout.Token);
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
        }
    }

    private Dictionary<string, string?> Settings(IEnumerable<KeyValuePair<string, string?>> tls)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Villages"] = _database,
            ["Villages:Privacy:Secret"] = TestSecrets.Secret,
            ["Villages:Cluster:ClusterId"] = _clusterId,
            ["Villages:Cluster:ServiceId"] = _clusterId,
            ["Villages:Cluster:SiloPort"] = "0",
            ["Villages:Cluster:GatewayPort"] = "0",
            ["Villages:Cluster:CoHostSilo"] = "false",
            ["Orleans:Messaging:ResponseTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in tls) settings[key] = value;
        return settings;
    }
}
