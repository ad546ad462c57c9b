namespace Villages.Storage;

/// <summary>The grain storage provider every grain of this product writes to.</summary>
public static class StorageProvider
{
    public const string Name = "villages";
}

/// <summary>
/// The rows one grain keeps in grain storage, each under its own state name ("village",
/// "enrollments-0", "import-results-3", ...) with its own ETag: a header row and pages of items,
/// so that a change rewrites one bounded row, never the whole grain. Used by every grain that
/// stores state (villages, rollups, import jobs). Grain-thread only.
/// </summary>
public sealed class GrainRows(IGrainStorage storage, GrainId grainId)
{
    private readonly Dictionary<string, string?> _etags = new(StringComparer.Ordinal);

    /// <summary>
    /// Grows with every successful write and survives restarts (the sum of the rows' storage
    /// versions), so a reader can tell newer figures from older ones.
    /// </summary>
    public long Version => _etags.Values.Sum(static etag => long.TryParse(etag, out var version) ? version : 0);

    /// <summary>Reads one row; null when it was never written.</summary>
    public async Task<T?> ReadAsync<T>(string name) where T : class
    {
        var state = new GrainState<T>();
        await storage.ReadStateAsync(name, grainId, state);
        _etags[name] = state.ETag;
        return state.RecordExists ? state.State : null;
    }

    /// <summary>
    /// Reads pages 0, 1, ... up to the first that does not exist. The hint (pages known from the
    /// header) lets them load in parallel; probing on finds pages written after the hint.
    /// </summary>
    public async Task<List<T>> ReadPagesAsync<T>(Func<int, string> pageName, int hint) where T : class
    {
        var known = await Task.WhenAll(Enumerable.Range(0, hint).Select(i => ReadAsync<T>(pageName(i))));
        var pages = known.TakeWhile(static p => p is not null).Select(static p => p!).ToList();
        if (pages.Count == hint)
        {
            while (await ReadAsync<T>(pageName(pages.Count)) is { } next) pages.Add(next);
        }
        return pages;
    }

    /// <summary>
    /// Writes one row against the version last read or written (a new row: only if none exists),
    /// so a second activation of the same grain cannot overwrite it unseen.
    /// </summary>
    public async Task WriteAsync<T>(string name, T value)
    {
        var state = new GrainState<T>(value, _etags.GetValueOrDefault(name));
        await storage.WriteStateAsync(name, grainId, state);
        _etags[name] = state.ETag;
    }
}
