using System.Diagnostics.CodeAnalysis;

namespace Villages.Regions;

public enum RegionLevel
{
    Nation = 0,
    Province = 1,
    Regency = 2,
    District = 3,
    Village = 4,
}

/// <summary>
/// Kemendagri area codes: province PP, regency PP.RR, district PP.RR.DD, village PP.RR.DD.VVVV.
/// Shape checks only; whether a code exists is the catalogue's business.
/// </summary>
public static class RegionCode
{
    /// <summary>The whole country, the root of every rollup.</summary>
    public const string Nation = "ID";

    public static bool TryParseLevel(string? code, out RegionLevel level)
    {
        level = default;
        if (string.IsNullOrEmpty(code)) return false;
        if (code == Nation) { level = RegionLevel.Nation; return true; }
        // Group lengths 2.2.2.4: the same shape checker for every level.
        ReadOnlySpan<int> groups = [2, 2, 2, 4];
        var position = 0;
        for (var i = 0; i < groups.Length; i++)
        {
            if (i > 0)
            {
                if (position == code.Length) { level = (RegionLevel)i; return true; }
                if (code[position] != '.') return false;
                position++;
            }
            for (var d = 0; d < groups[i]; d++, position++)
            {
                if (position >= code.Length || !char.IsAsciiDigit(code[position])) return false;
            }
        }
        if (position != code.Length) return false;
        level = RegionLevel.Village;
        return true;
    }

    public static bool IsVillageCode([NotNullWhen(true)] string? code) =>
        TryParseLevel(code, out var level) && level == RegionLevel.Village;

    /// <summary>The code of the region one level up (a province's parent is the nation).</summary>
    public static string Parent(string code) => code.Length switch
    {
        2 => Nation,
        _ => code[..code.LastIndexOf('.')],
    };

    public static VillageKind KindOf(string villageCode) => villageCode[9] switch
    {
        '1' => VillageKind.Kelurahan,
        '3' => VillageKind.DesaAdat,
        _ => VillageKind.Desa,
    };
}
