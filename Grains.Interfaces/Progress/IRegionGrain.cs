using Orleans.Concurrency;

namespace Villages;

/// <summary>Receives a region's progress whenever it changes (coalesced).</summary>
[Alias("Villages.IProgressObserver")]
public interface IProgressObserver : IGrainObserver
{
    [OneWay, Alias("OnProgress")]
    Task OnProgress(RegionProgress progress);
}

/// <summary>
/// The rollup of a district, regency, province or the nation ("ID"), keyed by its region code.
/// Children report their current figures with a version; a report replaces the child's previous
/// one only if newer, so retries and reorderings never double-count.
/// </summary>
[Alias("Villages.IRegionGrain")]
public interface IRegionGrain : IGrainWithStringKey
{
    [Alias("Report")]
    Task Report(ChildReport report);

    [Alias("GetProgress")]
    Task<RegionProgress> GetProgress();

    /// <summary>This region's figures for its parent (used when a parent rebuilds).</summary>
    [Alias("GetReport")]
    Task<ChildReport> GetReport();

    /// <summary>Villages of this region that have not opened a programme, in code order.</summary>
    [Alias("GetNotStarted")]
    Task<VillageCodePage> GetNotStarted(int offset, int limit);

    [Alias("Subscribe")]
    Task Subscribe(IProgressObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(IProgressObserver observer);
}
