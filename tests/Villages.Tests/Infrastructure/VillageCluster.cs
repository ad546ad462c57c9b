using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Villages.Silo.Hosting;
using Villages.Silo.Storage;

namespace Villages.Tests.Infrastructure;

/// <summary>
/// An Orleans test cluster (two silos by default) running the product's grains through the
/// product's own silo configuration, on a fresh PostgreSQL database, with a domain clock of its own
/// that the test moves. Restartable on the same database.
/// </summary>
public sealed class VillageCluster : IAsyncLifetime
{
    private readonly string _serviceId = "villages-tests-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Rows of another deployment (a fixture): its service id (the default is a fresh one).</summary>
    public string? ServiceIdOf { get; init; }

    /// <summary>The privacy secret its rows were sealed with (the default is the test run's).</summary>
    public string Secret { get; init; } = TestSecrets.Secret;

    /// <summary>A database made beforehand (the default is a fresh one).</summary>
    public string? Database { get; init; }

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public string ConnectionString { get; private set; } = null!;

    /// <summary>25 Nov 2026, 10:00 WIB at the start: an ordinary moment.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));

    public string ServiceId => ServiceIdOf ?? _serviceId;

    public Task<string?> RegistryHolderAsync(string nik) => RegistryRows.HolderAsync(ConnectionString, ServiceId, nik);

    public Task LeaveClaimAsync(string nik, string villageCode) => RegistryRows.LeaveClaimAsync(ConnectionString, ServiceId, nik, villageCode);

    public IGrainFactory Grains => Cluster.Client;

    public int InitialSilos { get; init; } = 2;

    /// <summary>Extra silo configuration (e.g. "Villages:Progress:ResyncInterval").</summary>
    public IReadOnlyDictionary<string, string> Configuration { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Places grains at random instead of by the silos' load: every in-process silo reports the same
    /// process's load, so the default keeps grains near their caller, and a test that kills "a silo
    /// holding rollups" could find none away from the first.
    /// </summary>
    public bool SpreadGrains { get; init; }

    public async Task InitializeAsync()
    {
        ConnectionString = Database ?? await TestPostgres.CreateDatabaseAsync("grains");
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
        TestPostgres.Release(ConnectionString);
    }

    private async Task StartAsync()
    {
        var builder = new InProcessTestClusterBuilder((short)InitialSilos);
        builder.Options.ServiceId = ServiceId;
        var settings = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{PostgresConnection.Name}"] = ConnectionString,
            ["Villages:Privacy:Secret"] = Secret,
        };
        foreach (var (key, value) in Configuration) settings[key] = value;
        builder.ConfigureHost(host => host.Configuration.AddInMemoryCollection(settings));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddVillagesGrains(silo.Configuration);
            silo.Services.AddKeyedSingleton<TimeProvider>(DomainClock.Key, Clock);
            if (SpreadGrains) silo.Services.AddSingleton<PlacementStrategy, RandomPlacement>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }
}
