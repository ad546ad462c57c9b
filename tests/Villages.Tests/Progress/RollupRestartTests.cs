using Villages.Regions;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Progress;

/// <summary>
/// The whole service restarts on the same PostgreSQL (a deployment): rollups deactivate cleanly,
/// keep their children's reports and come back with the same figures, and stay right afterwards.
/// </summary>
public sealed class RollupRestartTests() : OwnClusterTest(new VillageCluster())
{
    /// <summary>Reproducible runs: the seed of every village's script.</summary>
    private const int Seed = 7_100;

    [Fact]
    public async Task Figures_reload_to_the_truth_after_a_restart_and_stay_right_after_more_work()
    {
        var (workload, truth) = await SettledWorkAsync(Seed, stepsEach: 4);

        await Cluster.RestartAsync();

        // Read top-down before any village wakes: each level answers from the row it saved.
        Rollups.AssertAgree(await Rollups.MismatchesAsync(Grains(), truth, truth.Regions), "first read after the restart");

        Cluster.Clock.Advance(TimeSpan.FromDays(1));
        await workload.RoundAsync(stepsEach: 4);
        await workload.MovesAsync(40);
        Assert.True(workload.Troubles == 0, workload.ToString());
        await Rollups.AssertEveryLevelAsync(Grains, await RollupTruth.ReadAsync(Grains(), workload.Villages, Today), "after more work");
    }

    [Fact]
    public async Task Writes_acknowledged_just_before_a_restart_reach_the_nation()
    {
        var workload = Workload(Seed + 1);
        await workload.RoundAsync(stepsEach: 6);

        await Cluster.RestartAsync(); // at once: some regions still hold changes for their parents

        var truth = await RollupTruth.ReadAsync(Grains(), workload.Villages, Today);
        // What a national screen sees: the nation and its provinces' reports, no lower region asked.
        Rollups.AssertAgree(await Rollups.SettleAsync(Grains, truth, [RegionCode.Nation]), "the nation after the restart");
        await Rollups.AssertEveryLevelAsync(Grains, truth, "every level after the restart");
    }
}
