using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Villages.Hosting;

namespace Villages.Tests.Infrastructure;

/// <summary>
/// An Orleans test cluster (two silos) running the product's grains through the product's own
/// silo configuration, on a fresh PostgreSQL database. Restartable on the same database.
/// </summary>
public sealed class VillageCluster : IAsyncLifetime
{
    private readonly string _serviceId = "villages-tests-" + Guid.NewGuid().ToString("N")[..8];
    private readonly (string Id, FakeTimeProvider Clock) _clock = TestClocks.Create();

    public TestCluster Cluster { get; private set; } = null!;
    public string ConnectionString { get; private set; } = null!;
    public FakeTimeProvider Clock => _clock.Clock;
    public string ServiceId => _serviceId;

    public Task<string?> RegistryHolderAsync(string nik) => RegistryRows.HolderAsync(ConnectionString, _serviceId, nik);

    public Task LeaveClaimAsync(string nik, string villageCode) => RegistryRows.LeaveClaimAsync(ConnectionString, _serviceId, nik, villageCode);
    public IGrainFactory Grains => Cluster.Client;

    public int InitialSilos { get; init; } = 2;

    /// <summary>Extra silo configuration (e.g. "Villages:Progress:ResyncInterval").</summary>
    public IReadOnlyDictionary<string, string> Configuration { get; init; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync("grains");
        await StartAsync();
    }

    /// <summary>Stops every silo and starts a new cluster on the same database: a whole-service restart.</summary>
    public async Task RestartAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is null) return;
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private async Task StartAsync()
    {
        var builder = new TestClusterBuilder((short)InitialSilos);
        builder.Options.ServiceId = _serviceId;
        builder.Properties[$"ConnectionStrings:{VillagesHosting.ConnectionStringName}"] = ConnectionString;
        builder.Properties["Villages:Privacy:Secret"] = TestSecrets.Secret;
        builder.Properties[TestClocks.ConfigurationKey] = _clock.Id;
        foreach (var (key, value) in Configuration) builder.Properties[key] = value;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddVillagesGrains(silo.Configuration);
            silo.Services.AddKeyedSingleton<TimeProvider>(VillagesHosting.ClockKey, TestClocks.Get(silo.Configuration[TestClocks.ConfigurationKey]!));
        }
    }
}
