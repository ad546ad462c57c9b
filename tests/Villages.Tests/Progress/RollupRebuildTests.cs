using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Villages.Domain;
using Villages.Progress;
using Villages.Regions;
using Villages.Tests.Infrastructure;
using Villages.Village;

namespace Villages.Tests.Progress;

/// <summary>
/// A rollup that died without saving (its row still says Clean=false, as written when it woke)
/// does not trust what it had: it rebuilds from its children. A test cluster's "kill" lets a
/// grain start its clean save, so the crash is left in the rows directly.
/// </summary>
public sealed class RollupRebuildTests() : OwnClusterTest(new VillageCluster())
{
    private const int Seed = 9_001;
    private const string RollupState = "rollup.2"; // RegionGrain's state name

    [Fact]
    public async Task A_rollup_that_lost_its_memory_rebuilds_from_its_children_and_counts_nothing_twice()
    {
        var (_, truth) = await SettledWorkAsync(Seed, stepsEach: 5);
        await Cluster.RestartAsync(); // every rollup saved and asleep

        // A regency and a district (of another regency) crashed: unclean rows holding old reports of
        // their children (every figure doubled, at version 0), which must be replaced, never added to.
        var regency = truth.Regions.First(static c => c.Length == 5);
        var district = truth.Regions.First(c => c.Length == 8 && !c.StartsWith(regency, StringComparison.Ordinal));
        await LeaveAsCrashedAsync(regency);
        await LeaveAsCrashedAsync(district);

        Rollups.AssertAgree(await Rollups.SettleAsync(Grains, truth, [RegionCode.Nation]), "the nation after the rebuilds");
        await Rollups.AssertEveryLevelAsync(Grains, truth, $"every level after {regency} and {district} rebuilt");
    }

    private async Task LeaveAsCrashedAsync(string code)
    {
        var services = Cluster.Cluster.Silos[0].SiloHost.Services;
        var storage = services.GetRequiredKeyedService<IGrainStorage>(Villages.Storage.StorageProvider.Name);
        var id = GrainId.Create("region", code);
        var row = new GrainState<RegionState>();
        await storage.ReadStateAsync(RollupState, id, row);
        var saved = row.State!;
        Assert.True(row.RecordExists && saved.Clean && saved.Children.Count > 0, $"{code} saved no clean row");
        var today = CoverageCalendar.LocalDate(Cluster.Clock.GetUtcNow());
        row.State = new RegionState(
            saved.Children.ToImmutableDictionary(
                static c => c.Key,
                c => c.Value with { Figures = Figures.Sum([c.Value.Figures, c.Value.Figures], today, new FigureOptions()), Version = 0 }),
            Clean: false);
        await storage.WriteStateAsync(RollupState, id, row);
    }
}
