using Villages.Tests.Infrastructure;

namespace Villages.Tests.Grains;

/// <summary>One test cluster on PostgreSQL shared by the grain tests; each test takes its own villages.</summary>
public sealed class GrainFixture : IAsyncLifetime
{
    private int _nextVillage;

    public VillageCluster Cluster { get; } = new();
    public IGrainFactory Grains => Cluster.Grains;
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock => Cluster.Clock;

    public string NextVillage() => Workers.TestVillage(Interlocked.Increment(ref _nextVillage));

    public Task InitializeAsync() => Cluster.InitializeAsync();

    public Task DisposeAsync() => Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class GrainCollection : ICollectionFixture<GrainFixture>
{
    public const string Name = "grains";
}
