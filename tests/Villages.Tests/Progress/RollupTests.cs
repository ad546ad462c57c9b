using Villages.Regions;
using Villages.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Villages.Tests.Progress;

/// <summary>
/// What a national monitor checks: after thousands of random operator actions, every district,
/// regency and province and the nation equal, field by field, the sum of their villages' own state.
/// </summary>
public sealed class RollupTests(ITestOutputHelper output) : OwnClusterTest(new VillageCluster())
{
    /// <summary>The seed of the whole run: keep it to reproduce a failure, change it to explore.</summary>
    private const int Seed = 20_260_125;

    [Fact]
    public async Task Every_level_equals_the_sum_of_its_villages_after_thousands_of_random_operations()
    {
        // Five regencies in three provinces (73.71, Makassar, is all kelurahan), five districts each.
        var workload = Workload(Seed, 5, "35.07", "35.10", "73.08", "73.71", "51.03");
        Assert.InRange(workload.Villages.Count, 200, 400);
        for (var day = 0; day < 3; day++)
        {
            await workload.RoundAsync(stepsEach: 3);
            Cluster.Clock.Advance(TimeSpan.FromDays(1)); // enrolments per day over several days
        }
        await workload.MovesAsync(80);
        await workload.RoundAsync(stepsEach: 2);

        AssertCoverage(workload);
        output.WriteLine($"seed {Seed}: {workload.Operations} operations over {workload.Villages.Count} villages: {workload}");
        var truth = await RollupTruth.ReadAsync(Grains(), workload.Villages, Today);
        Assert.Equal(1 + 3 + 5 + 25, truth.Regions.Count);
        await Rollups.AssertEveryLevelAsync(Grains, truth, $"seed {Seed}, {workload.Operations} operations");

        // Regions nobody touched are zero all the way down: a province, a regency of a touched
        // province, a district of a touched regency (its villages are zero children).
        var untouched = new[] { "11", "35.01", RegionCatalog.Default.Find("35.07")!.Children.First(d => !truth.Regions.Contains(d.Code)).Code };
        Rollups.AssertAgree(await Rollups.MismatchesAsync(Grains(), truth, untouched), "untouched regions");
    }

    /// <summary>The workload did what it claims: a few thousand operations of every kind, nothing lost in transit.</summary>
    private static void AssertCoverage(LedgerWorkload workload)
    {
        Assert.True(workload.Operations >= 2_000, $"{workload.Operations} operations: {workload}");
        Assert.True(workload.Troubles == 0, $"calls failed in transit or storage refused: {workload}");
        Assert.True(workload.Total("same:") == workload.Total("same:Unchanged"), $"the same enrolment again must change nothing: {workload}");
        string[] kinds =
        [
            "open:Created", "change:Changed", "change:BudgetBelowCommitted", "early:ProgramNotOpen",
            "enrol:Created", "enrol:BudgetExceeded", "same:Unchanged", "reprice:Repriced", "edit:Updated",
            "withdraw:Withdrawn", "return:Created", "batch:Created", "batch:Unchanged", "batch:InvalidEnrollment",
            "held-elsewhere:EnrolledElsewhere", "move:Created",
        ];
        foreach (var kind in kinds) Assert.True(workload.Total(kind) > 0, $"no {kind}: {workload}");
    }
}
