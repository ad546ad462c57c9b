using Orleans.TestingHost;
using Villages.Regions;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Progress;

/// <summary>
/// A silo dies while operators keep working: the rollups it held lose their memory, come back
/// elsewhere, rebuild from their children, and every level equals its villages again, never
/// counting anything twice.
/// </summary>
public sealed class RollupCrashTests() : OwnClusterTest(new VillageCluster
{
    InitialSilos = 3,
    // A surviving parent learns what a lost child never pushed at its next resync: sooner in a test.
    Configuration = new Dictionary<string, string> { ["Villages:Progress:ResyncInterval"] = "00:00:02" },
})
{
    /// <summary>Reproducible scripts (the moment of the crash is not).</summary>
    private const int Seed = 4_242;

    [Fact]
    public async Task After_a_silo_holding_rollups_dies_mid_work_every_level_equals_its_villages()
    {
        var (workload, _) = await SettledWorkAsync(Seed, stepsEach: 3);

        var work = workload.RoundAsync(stepsEach: 4);
        await workload.AfterAsync(workload.Operations + workload.Villages.Count);
        var (victim, rollups) = await SiloHoldingMostRollupsAsync();
        await Cluster.Cluster.KillSiloAsync(victim);
        await work;

        Assert.True(rollups > 0, "the killed silo held no rollup");
        var truth = await RollupTruth.ReadAsync(Grains(), workload.Villages, Today);
        // A national screen first: the nation and its provinces' reports, no lower region asked.
        Rollups.AssertAgree(await Rollups.SettleAsync(Grains, truth, [RegionCode.Nation]), $"the nation after losing {rollups} rollups");
        await Rollups.AssertEveryLevelAsync(Grains, truth, $"every level after losing {rollups} rollups ({workload})");
    }

    [Fact]
    public async Task After_a_silo_dies_right_after_a_burst_of_writes_the_nation_still_gets_them()
    {
        var workload = Workload(Seed + 1);
        await workload.RoundAsync(stepsEach: 4);
        var (victim, rollups) = await SiloHoldingMostRollupsAsync();
        await Cluster.Cluster.KillSiloAsync(victim); // at once: regions there may not have told their parents yet

        Assert.True(rollups > 0, "the killed silo held no rollup");
        var truth = await RollupTruth.ReadAsync(Grains(), workload.Villages, Today);
        Rollups.AssertAgree(await Rollups.SettleAsync(Grains, truth, [RegionCode.Nation]), $"the nation after losing {rollups} rollups");
        await Rollups.AssertEveryLevelAsync(Grains, truth, $"every level after losing {rollups} rollups");
    }

    /// <summary>The silo, other than the first, with the most region grains active.</summary>
    private async Task<(InProcessSiloHandle Silo, int Rollups)> SiloHoldingMostRollupsAsync()
    {
        var management = Grains().GetGrain<IManagementGrain>(0);
        var counts = new List<(InProcessSiloHandle, int)>();
        foreach (var silo in Cluster.Cluster.Silos.Skip(1))
        {
            var grains = await management.GetDetailedGrainStatistics(hostsIds: [silo.SiloAddress]);
            counts.Add((silo, grains.Count(static g => g.GrainId.Type.ToString() == "region")));
        }
        return counts.MaxBy(static c => c.Item2);
    }
}
