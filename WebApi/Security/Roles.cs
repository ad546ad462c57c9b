using Villages.Regions;

namespace Villages.WebApi.Security;

/// <summary>
/// The roles of the campaign, as tokens name them, and the level of region each is scoped to: a
/// token's region codes count for a role only at that level or narrower (a wider one gives it
/// nothing), and a national role acts on the nation whatever its token names.
/// </summary>
public static class Roles
{
    public const string VillageOperator = "village-operator";
    public const string PerisaiAgent = "perisai-agent";
    public const string DistrictOfficer = "district-officer";
    public const string RegencyOfficer = "regency-officer";
    public const string ProvinceOfficer = "province-officer";
    public const string NationalMonitor = "national-monitor";
    public const string NationalAdmin = "national-admin";
    /// <summary>A BPJS Ketenagakerjaan branch office: reads its regencies and exports them, NIKs in full, for collective registration.</summary>
    public const string BpjsBranch = "bpjs-branch";

    public static readonly IReadOnlyList<string> All =
        [VillageOperator, PerisaiAgent, DistrictOfficer, RegencyOfficer, ProvinceOfficer, NationalMonitor, NationalAdmin, BpjsBranch];

    public static readonly IReadOnlyList<string> Officers = [DistrictOfficer, RegencyOfficer, ProvinceOfficer];

    public static readonly IReadOnlyList<string> National = [NationalMonitor, NationalAdmin];

    /// <summary>The widest region a token may give the role: an operator's or agent's villages are named one by one.</summary>
    public static RegionLevel ScopeLevel(string role) => role switch
    {
        VillageOperator or PerisaiAgent => RegionLevel.Village,
        DistrictOfficer => RegionLevel.District,
        RegencyOfficer or BpjsBranch => RegionLevel.Regency,
        ProvinceOfficer => RegionLevel.Province,
        NationalMonitor or NationalAdmin => RegionLevel.Nation,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a role of the campaign."),
    };
}
