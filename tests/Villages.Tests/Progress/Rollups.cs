namespace Villages.Tests.Progress;

/// <summary>Bounded waits, and the check of rollup grains against the brute-force truth.</summary>
public static class Rollups
{
    /// <summary>Generous on a loaded two-core machine; the product promises under a second.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>Reads until the value is what we wait for or the deadline passes; returns the last value read. A failed read counts as not yet.</summary>
    public static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Deadline);
        while (true)
        {
            try
            {
                var value = await read();
                if (done(value) || DateTime.UtcNow >= deadline) return value;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // a silo just died or a grain is moving: ask again
            }
            await Task.Delay(150);
        }
    }

    /// <summary>What the given rollups say that the villages' own state does not.</summary>
    public static async Task<List<string>> MismatchesAsync(IGrainFactory grains, RollupTruth truth, IEnumerable<string> regions)
    {
        var progress = await Task.WhenAll(regions.Select(r => grains.Region(r).GetProgress()));
        return [.. progress.SelectMany(truth.Mismatches)];
    }

    /// <summary>Waits (bounded) until the given rollups agree with the truth; returns what still differs.</summary>
    public static Task<List<string>> SettleAsync(Func<IGrainFactory> grains, RollupTruth truth, IEnumerable<string> regions) =>
        PollAsync(() => MismatchesAsync(grains(), truth, regions), static m => m.Count == 0);

    public static void AssertAgree(IReadOnlyCollection<string> mismatches, string when) =>
        Assert.True(mismatches.Count == 0,
            $"{when}: {mismatches.Count} differences from the villages' own state:\n{string.Join("\n", mismatches.Take(30))}");

    /// <summary>The villages answer for themselves consistently, then every level agrees with them within the bound.</summary>
    public static async Task AssertEveryLevelAsync(Func<IGrainFactory> grains, RollupTruth truth, string when)
    {
        AssertAgree([.. truth.VillageInconsistencies()], when + " (villages)");
        AssertAgree(await SettleAsync(grains, truth, truth.Regions), when);
    }
}
