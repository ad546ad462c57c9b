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
    private readonly CapturedLogs _siloLogs = new();
    private readonly string _untrusted = Path.Combine(TestPostgres.RootDirectory, $"untrusted-{Guid.NewGuid():N}.pfx");
    private Dictionary<string, string?> _settings = null!;
    private Microsoft.Extensions.Hosting.IHost _silo = null!;

    public async Task InitializeAsync()
    {
        _settings = ClusterNodes.Settings(await TestPostgres.CreateDatabaseAsync("tls"), "tls-" + Guid.NewGuid().ToString("N")[..8]);
        _silo = await ClusterNodes.StartSiloAsync(_settings, _siloLogs);
    }

    public async Task DisposeAsync()
    {
        await ClusterNodes.StopAsync(_silo);
        TestPostgres.Release(_settings["ConnectionStrings:Villages"]!);
        File.Delete(_untrusted);
    }

    [Fact]
    public async Task A_client_with_the_cluster_certificate_calls_grains()
    {
        var village = await ReadVillageAsync([]);

        Assert.Equal("35.10.01.2001", village.Code);
    }

    [Fact]
    public async Task A_client_without_a_certificate_reaches_no_grain()
    {
        var refused = await Record.ExceptionAsync(() => ReadVillageAsync([($"{ClusterTlsOptions.Section}:Enabled", "false")]));

        Assert.IsType<Orleans.Runtime.Messaging.ConnectionFailedException>(refused);
    }

    [Fact]
    public async Task A_client_with_a_certificate_the_cluster_does_not_trust_reaches_no_grain()
    {
        // Its own self-signed certificate; it trusts the cluster's, so only the silo's refusal can stop it.
        using var cluster = ClusterCertificates.LoadSelfSigned(TestCertificates.SelfSignedPath);
        var refused = await Record.ExceptionAsync(() => ReadVillageAsync(
        [
            ($"{ClusterTlsOptions.Section}:SelfSignedPath", _untrusted),
            ($"{ClusterTlsOptions.Section}:TrustedThumbprints:0", cluster.Thumbprint),
        ]));

        Assert.IsType<Orleans.Runtime.Messaging.ConnectionFailedException>(refused);
        Assert.Contains(_siloLogs.Lines, line => line.Contains("refused a peer presenting CN=villages-cluster", StringComparison.Ordinal));
    }

    private Task<VillageView> ReadVillageAsync((string Key, string? Value)[] tls)
    {
        var settings = new Dictionary<string, string?>(_settings);
        foreach (var (key, value) in tls) settings[key] = value;
        return ClusterNodes.WithClientAsync(settings, grains => grains.GetGrain<IVillageGrain>("35.10.01.2001").GetVillage());
    }
}
