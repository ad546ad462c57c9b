using System.Security.Claims;
using Villages.Regions;

namespace Villages.WebApi.Security;

/// <summary>The roles of the campaign, as tokens name them.</summary>
public static class Roles
{
    public const string VillageOperator = "village-operator";
    public const string PerisaiAgent = "perisai-agent";
    public const string DistrictOfficer = "district-officer";
    public const string RegencyOfficer = "regency-officer";
    public const string ProvinceOfficer = "province-officer";
    public const string NationalMonitor = "national-monitor";
    public const string NationalAdmin = "national-admin";
    /// <summary>A BPJS Ketenagakerjaan branch office: reads its region and exports it, NIKs in full, for collective registration.</summary>
    public const string BpjsBranch = "bpjs-branch";

    public static readonly IReadOnlyList<string> All =
        [VillageOperator, PerisaiAgent, DistrictOfficer, RegencyOfficer, ProvinceOfficer, NationalMonitor, NationalAdmin, BpjsBranch];

    public static readonly IReadOnlyList<string> Officers = [DistrictOfficer, RegencyOfficer, ProvinceOfficer];
}

/// <summary>The caller of a request, read from its validated token (or anonymous).</summary>
public sealed record Caller(string? Subject, IReadOnlySet<string> Roles, IReadOnlyList<string> Regions, string? AgentId)
{
    public static readonly Caller Anonymous = new(null, new HashSet<string>(), [], null);

    public bool Authenticated => Subject is not null;

    public bool Has(string role) => Roles.Contains(role);

    public bool HasAny(IEnumerable<string> roles) => roles.Any(Roles.Contains);

    /// <summary>Whether one of the caller's regions contains the code (a village, or a region for reads).</summary>
    public bool Covers(string code) => Regions.Any(r =>
        r == RegionCode.Nation || r == code || (code.Length > r.Length && code.StartsWith(r, StringComparison.Ordinal) && code[r.Length] == '.'));

    public static Caller From(ClaimsPrincipal user, AuthOptions options)
    {
        if (user.Identity?.IsAuthenticated != true) return Anonymous;
        var subject = user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        if (string.IsNullOrWhiteSpace(subject)) return Anonymous;
        var roles = user.FindAll(options.RoleClaim).Select(static c => c.Value).Where(global::Villages.WebApi.Security.Roles.All.Contains).ToHashSet(StringComparer.Ordinal);
        var regions = user.FindAll(options.RegionClaim).Select(static c => c.Value.Trim()).Where(static r => RegionCode.TryParseLevel(r, out _)).ToList();
        if (roles.Contains(global::Villages.WebApi.Security.Roles.NationalMonitor) || roles.Contains(global::Villages.WebApi.Security.Roles.NationalAdmin))
        {
            regions.Add(RegionCode.Nation);
        }
        var agent = user.FindFirst(options.AgentClaim)?.Value;
        return new Caller(subject, roles, regions, string.IsNullOrWhiteSpace(agent) ? null : agent);
    }
}
