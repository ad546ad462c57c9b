using Villages.Tests.Infrastructure;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Progress;

/// <summary>
/// At WIB midnight the figures move by themselves: coverage that ended is no longer counted, at
/// every level, although the villages left memory long before and nothing was written.
/// </summary>
public sealed class MidnightTests() : OwnClusterTest(new VillageCluster
{
    Configuration = new Dictionary<string, string>
    {
        ["Villages:Activations:VillageIdleTimeout"] = "00:00:02",
        ["Villages:Activations:CollectionQuantum"] = "00:00:01",
        ["Villages:Progress:DayCheck"] = "00:00:00.500",
    },
})
{
    [Fact]
    public async Task Coverage_ending_at_midnight_leaves_every_level_within_seconds_with_the_villages_out_of_memory()
    {
        var codes = new[] { TestVillage(1), TestVillage(60), TestVillage(120) };
        foreach (var (code, i) in codes.Select((c, i) => (c, i)))
        {
            var village = Grains().Village(code);
            await village.SetProgram(new ProgramTerms(2, 20_160_000, i == 0 ? 12 : 1, FundingSource.SD), TestActors.Operator);
            await village.Enroll(Worker(), TestActors.Operator);
            await village.Enroll(Worker(), TestActors.Operator);
        }
        var nation = Grains().Region("ID");
        await Rollups.PollAsync(nation.GetProgress, static p => p.Complete && p.Figures.Workers.WorkersCovered == 6);
        var management = Grains().GetGrain<IManagementGrain>(0);
        await Rollups.PollAsync(async () => await Task.WhenAll(codes.Select(c => management.GetGrainActivationCount((GrainReference)Grains().Village(c)))),
            static counts => counts.All(static c => c == 0), TimeSpan.FromSeconds(30));

        Cluster.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 0, 0, 1, TimeSpan.FromHours(7)));
        var moved = System.Diagnostics.Stopwatch.StartNew();
        var after = await Rollups.PollAsync(nation.GetProgress,
            static p => p.Complete && p.Day == new DateOnly(2026, 12, 1) && p.Figures.Workers.WorkersCovered == 2, TimeSpan.FromSeconds(15));

        Assert.True(moved.Elapsed < TimeSpan.FromSeconds(10), $"{moved.Elapsed} after midnight");
        Assert.Equal((1, 3), (after.Figures.Workers.VillagesAtTarget, after.Figures.Workers.VillagesWithProgram));
        Assert.Equal(0, after.Figures.Workers.EndingWithin30Days);
        Assert.All(await Task.WhenAll(codes.Select(c => management.GetGrainActivationCount((GrainReference)Grains().Village(c)))), static c => Assert.Equal(0, c));
        var truth = await RollupTruth.ReadAsync(Grains(), codes, Today);
        await Rollups.AssertEveryLevelAsync(Grains, truth, "after midnight");
    }
}
