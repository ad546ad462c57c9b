using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Villages.Silo.Hosting;

namespace Villages.Tests.Infrastructure;

/// <summary>
/// Nodes of the product's own configuration in this process, each a host of its own as on separate
/// machines: a silo (AddVillagesSilo) and pure cluster clients (AddVillagesClient, as a WebApi node is).
/// </summary>
public static class ClusterNodes
{
    /// <summary>What every node of one cluster shares: its database, identity and the test run's certificate; free ports.</summary>
    public static Dictionary<string, string?> Settings(string connectionString, string clusterId)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Villages"] = connectionString,
            ["Villages:Privacy:Secret"] = TestSecrets.Secret,
            ["Villages:Cluster:ClusterId"] = clusterId,
            ["Villages:Cluster:ServiceId"] = clusterId,
            ["Villages:Cluster:SiloPort"] = "0",
            ["Villages:Cluster:GatewayPort"] = "0",
            ["Villages:Cluster:CoHostSilo"] = "false",
            ["Orleans:Messaging:ResponseTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in TestCertificates.Settings) settings[key] = value;
        return settings;
    }

    public static async Task<IHost> StartSiloAsync(IReadOnlyDictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        if (logs is not null) builder.Logging.ClearProviders().AddProvider(logs);
        builder.AddVillagesSilo("test-silo");
        var silo = builder.Build();
        await silo.StartAsync();
        return silo;
    }

    public static async Task StopAsync(IHost node)
    {
        await node.StopAsync();
        node.Dispose();
    }

    /// <summary>A client started with <paramref name="settings"/>, used, stopped. One connection attempt: a refusal is reported at once.</summary>
    public static async Task<T> WithClientAsync<T>(IReadOnlyDictionary<string, string?> settings, Func<IGrainFactory, Task<T>> use)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddVillagesClient("test-client", client => client.UseConnectionRetryFilter((_, _) => Task.FromResult(false)));
        using var client = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await client.StartAsync(timeout.Token);
            return await use(client.Services.GetRequiredService<IGrainFactory>()).WaitAsync(timeout.Token);
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
        }
    }
}
