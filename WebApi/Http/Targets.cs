using Villages.Regions;

namespace Villages.WebApi.Http;

/// <summary>A village or region named by a route, resolved from the reference data before the handler runs.</summary>
public interface ITarget
{
    Region Region { get; }

    /// <summary>Why the route's code names nothing we know: shape first (400), then the reference data (404).</summary>
    IResult? Problem { get; }
}

/// <summary>
/// The village of a /api/villages/{code} route. Bound from the route; the access filter answers its
/// problem, so a handler only ever receives a village of the reference data.
/// </summary>
public sealed class VillageTarget : ITarget
{
    private VillageTarget(Region? village, IResult? problem) => (_village, Problem) = (village, problem);

    private readonly Region? _village;

    public Region Region => _village!;
    public string Code => Region.Code;
    public IResult? Problem { get; }

    public static ValueTask<VillageTarget?> BindAsync(HttpContext context)
    {
        var code = context.Request.RouteValues["code"] as string;
        if (!RegionCode.IsVillageCode(code))
        {
            return ValueTask.FromResult<VillageTarget?>(new(null,
                Problems.Result(ProblemType.InvalidVillageCode, "A village code looks like PP.RR.DD.VVVV, e.g. 35.10.01.2001.", context)));
        }
        var catalog = context.RequestServices.GetRequiredService<RegionCatalog>();
        return ValueTask.FromResult<VillageTarget?>(catalog.TryGet(code, out var village)
            ? new(village, null)
            : new(null, Problems.Result(ProblemType.VillageNotFound, $"No village {code} in the reference data (Kepmendagri 300.2.2-2138/2025).", context)));
    }
}

/// <summary>
/// The region of a route's {region} (or {code}) value: the nation (ID), a province, regency or
/// district, or only the levels the endpoint names with <see cref="RegionLevels"/>.
/// </summary>
public sealed class RegionTarget : ITarget
{
    private static readonly RegionLevels Progress = new(
        "A region code is ID (the nation), PP (province), PP.RR (regency) or PP.RR.DD (district), e.g. 35.10.",
        RegionLevel.Nation, RegionLevel.Province, RegionLevel.Regency, RegionLevel.District);

    private RegionTarget(Region? region, IResult? problem) => (_region, Problem) = (region, problem);

    private readonly Region? _region;

    public Region Region => _region!;
    public string Code => Region.Code;
    public IResult? Problem { get; }

    public static RegionTarget Nation(HttpContext context) => new(context.RequestServices.GetRequiredService<RegionCatalog>().Nation, null);

    public static ValueTask<RegionTarget?> BindAsync(HttpContext context)
    {
        var values = context.Request.RouteValues;
        var code = (values["region"] ?? values["code"]) as string
            ?? (context.Request.Query.TryGetValue("region", out var query) ? query.ToString() : RegionCode.Nation);
        var levels = context.GetEndpoint()?.Metadata.GetMetadata<RegionLevels>() ?? Progress;
        if (!RegionCode.TryParseLevel(code, out var level) || !levels.Allowed.Contains(level))
        {
            var hint = level == RegionLevel.Village && RegionCode.IsVillageCode(code) && levels == Progress
                ? $"Progress is by region; a village's figures are at /api/villages/{code}."
                : levels.Hint;
            return ValueTask.FromResult<RegionTarget?>(new(null, Problems.Result(ProblemType.InvalidRegionCode, hint, context)));
        }
        var catalog = context.RequestServices.GetRequiredService<RegionCatalog>();
        return ValueTask.FromResult<RegionTarget?>(catalog.TryGet(code, out var region)
            ? new(region, null)
            : new(null, Problems.Result(ProblemType.RegionNotFound, $"No region {code} in the reference data (Kepmendagri 300.2.2-2138/2025).", context)));
    }
}

/// <summary>Endpoint metadata: the region levels a route's {region} may name, and what to say otherwise.</summary>
public sealed record RegionLevels(string Hint, params RegionLevel[] Allowed);
