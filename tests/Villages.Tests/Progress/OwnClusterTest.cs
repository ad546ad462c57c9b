using Villages.Tests.Infrastructure;

namespace Villages.Tests.Progress;

/// <summary>
/// A test with a cluster and a database of its own, so that the nation's figures are its alone;
/// the work comes from a seeded <see cref="LedgerWorkload"/> over a few regencies.
/// </summary>
public abstract class OwnClusterTest(VillageCluster cluster) : IAsyncLifetime
{
    protected VillageCluster Cluster { get; } = cluster;

    protected IGrainFactory Grains() => Cluster.Grains;

    /// <summary>Today on the cluster's domain clock (WIB).</summary>
    protected DateOnly Today => Villages.Domain.CoverageCalendar.LocalDate(Cluster.Clock.GetUtcNow());

    public Task InitializeAsync() => Cluster.InitializeAsync();

    public Task DisposeAsync() => Cluster.DisposeAsync();

    /// <summary>Villages of a few districts of each regency; by default two provinces, one regency (73.71, Makassar) all kelurahan.</summary>
    protected LedgerWorkload Workload(int seed, int districtsEach = 3, params string[] regencies) =>
        new(Grains, seed, LedgerWorkload.PickVillages(seed, districtsEach, regencies is [] ? ["35.07", "35.10", "73.08", "73.71"] : regencies));

    /// <summary>A workload's first steps, checked at every level: the settled start of a test that then disrupts the cluster.</summary>
    protected async Task<(LedgerWorkload Workload, RollupTruth Truth)> SettledWorkAsync(int seed, int stepsEach)
    {
        var workload = Workload(seed);
        await workload.RoundAsync(stepsEach);
        var truth = await RollupTruth.ReadAsync(Grains(), workload.Villages, Today);
        await Rollups.AssertEveryLevelAsync(Grains, truth, "settled, before the disruption");
        return (workload, truth);
    }
}
