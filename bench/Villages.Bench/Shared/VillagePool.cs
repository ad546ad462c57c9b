using Villages.Regions;

namespace Villages.Bench.Shared;

/// <summary>
/// Every village of the catalogue in one fixed pseudo-random order (all kinds, spread over the
/// country), handed out in slices: each load round gets villages of its own, so rounds do not
/// inherit each other's spent budgets.
/// </summary>
public sealed class VillagePool(RegionCatalog catalog, int seed)
{
    private readonly string[] _order = Shuffle(catalog, seed);
    private int _taken;

    public int Total => _order.Length;
    public int Remaining => _order.Length - _taken;

    public string[] Take(int count)
    {
        count = Math.Min(count, Remaining);
        var slice = _order.AsSpan(_taken, count).ToArray();
        _taken += count;
        return slice;
    }

    private static string[] Shuffle(RegionCatalog catalog, int seed)
    {
        var codes = catalog.AtLevel(RegionLevel.Village).Select(v => v.Code).ToArray();
        new Random(seed).Shuffle(codes);   // seeded Random: the same order on every run
        return codes;
    }
}
