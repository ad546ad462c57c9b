using System.Collections.Frozen;
using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Villages.Regions;

/// <summary>A province, regency, district or village of the reference data, or the nation.</summary>
public sealed class Region(string code, string name, RegionLevel level, Region? parent)
{
    private readonly List<Region> _children = [];

    public string Code { get; } = code;
    public string Name { get; } = name;
    public RegionLevel Level { get; } = level;
    public Region? Parent { get; } = parent;
    public IReadOnlyList<Region> Children => _children;

    /// <summary>Villages inside this region (1 for a village).</summary>
    public int VillageCount { get; private set; }

    public VillageKind? Kind => Level == RegionLevel.Village ? RegionCode.KindOf(Code) : null;

    /// <summary>The ancestor at a given level (this region if it is at that level).</summary>
    public Region? Ancestor(RegionLevel at)
    {
        for (var region = this; region is not null; region = region.Parent)
        {
            if (region.Level == at) return region;
        }
        return null;
    }

    internal void Adopt(Region child) => _children.Add(child);

    internal void CountVillages() =>
        VillageCount = Level == RegionLevel.Village ? 1 : _children.Sum(static c => { c.CountVillages(); return c.VillageCount; });
}

/// <summary>
/// The national area codes (Kepmendagri 300.2.2-2138/2025, ODbL; see data/regions/SOURCE.md),
/// loaded once from the copy embedded in this assembly. Read-only and shared by every grain and
/// endpoint of a process.
/// </summary>
public sealed class RegionCatalog
{
    private static readonly Lazy<RegionCatalog> Embedded = new(LoadEmbedded);

    private readonly FrozenDictionary<string, Region> _byCode;

    private RegionCatalog(Region nation, IEnumerable<Region> regions)
    {
        Nation = nation;
        _byCode = regions.ToFrozenDictionary(static r => r.Code, StringComparer.Ordinal);
    }

    /// <summary>The catalogue shipped with the product.</summary>
    public static RegionCatalog Default => Embedded.Value;

    public Region Nation { get; }

    public int Count => _byCode.Count;

    public bool TryGet(string? code, out Region region)
    {
        if (code is not null && _byCode.TryGetValue(code, out var found))
        {
            region = found;
            return true;
        }
        region = null!;
        return false;
    }

    public Region? Find(string? code) => TryGet(code, out var region) ? region : null;

    /// <summary>Every region at one level, in code order.</summary>
    public IEnumerable<Region> AtLevel(RegionLevel level) =>
        _byCode.Values.Where(r => r.Level == level).OrderBy(r => r.Code, StringComparer.Ordinal);

    private static RegionCatalog LoadEmbedded()
    {
        var assembly = typeof(RegionCatalog).Assembly;
        Stream Open(string file) =>
            assembly.GetManifestResourceStream($"Villages.Regions.{file}")
            ?? throw new InvalidOperationException($"The embedded region file {file} is missing from {assembly.GetName().Name}.");

        using var provinces = Open("provinces.csv");
        using var regencies = Open("regencies.csv");
        using var districts = Open("districts.csv");
        using var villages = Open("villages.csv");
        return Load(provinces, regencies, districts, villages);
    }

    /// <summary>Builds a catalogue from the four CSV files (code, parent code, name; provinces: code, name).</summary>
    public static RegionCatalog Load(Stream provinces, Stream regencies, Stream districts, Stream villages)
    {
        var nation = new Region(RegionCode.Nation, "Indonesia", RegionLevel.Nation, null);
        var all = new Dictionary<string, Region>(StringComparer.Ordinal) { [nation.Code] = nation };

        void AddLevel(Stream csv, RegionLevel level)
        {
            foreach (var (code, parentCode, name) in ReadRows(csv, hasParent: level != RegionLevel.Province))
            {
                if (!RegionCode.TryParseLevel(code, out var parsed) || parsed != level)
                {
                    throw new InvalidDataException($"Region code '{code}' is not a valid {level} code.");
                }
                var parent = all.GetValueOrDefault(parentCode ?? RegionCode.Parent(code))
                    ?? throw new InvalidDataException($"Region {code} names an unknown parent.");
                var region = new Region(code, name, level, parent);
                if (!all.TryAdd(code, region)) throw new InvalidDataException($"Region code {code} appears twice.");
                parent.Adopt(region);
            }
        }

        AddLevel(provinces, RegionLevel.Province);
        AddLevel(regencies, RegionLevel.Regency);
        AddLevel(districts, RegionLevel.District);
        AddLevel(villages, RegionLevel.Village);
        nation.CountVillages();
        return new RegionCatalog(nation, all.Values);
    }

    private static IEnumerable<(string Code, string? Parent, string Name)> ReadRows(Stream csv, bool hasParent)
    {
        using var reader = new StreamReader(csv);
        using var parser = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        parser.Read();
        parser.ReadHeader();
        while (parser.Read())
        {
            var code = parser.GetField(0)!;
            yield return hasParent ? (code, parser.GetField(1), parser.GetField(2)!) : (code, null, parser.GetField(1)!);
        }
    }
}
