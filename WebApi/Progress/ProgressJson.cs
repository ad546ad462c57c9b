using System.Text.Json;
using Villages.Regions;

namespace Villages.WebApi.Progress;

public sealed record RegionJson(string Code, string Name, string Level);

public sealed record DayJson(DateOnly Date, int Enrollments);

public sealed record AgentJson(string AgentId, int Enrollments, long MonthlyPremiums);

/// <summary>The figures of one region (the same shape for the region and each of its children).</summary>
public sealed record FiguresJson(
    string Code, string Name, int Villages, int VillagesWithProgram, int VillagesNotStarted, int VillagesAtTarget,
    int WorkersEnrolled, long WorkerTarget, long CampaignTarget, long BudgetAllocated, long BudgetCommitted, long MonthlyPremiums);

public sealed record ProgressJson(
    RegionJson Region, DateTime AsOf, bool Complete, long Version, FiguresJson Totals,
    IReadOnlyDictionary<string, int> Occupations, IReadOnlyList<DayJson> EnrollmentsPerDay, IReadOnlyList<AgentJson> TopAgents,
    IReadOnlyList<FiguresJson> Children);

public sealed record LaggingVillageJson(
    string Code, string Name, string DistrictCode, string DistrictName, int TargetWorkers, int WorkersEnrolled, int Shortfall);

public sealed record LaggingJson(RegionJson Region, string List, int Total, int Offset, int Limit, IReadOnlyList<LaggingVillageJson> Villages);

/// <summary>Progress as the public JSON shapes.</summary>
public static class ProgressMapping
{
    /// <summary>Top agents shown with a region's progress; the agents endpoint pages further.</summary>
    public const int AgentsShown = 10;

    public static string Level(RegionLevel level) => level.ToString().ToLowerInvariant();

    public static RegionJson Region(Region region) => new(region.Code, region.Name, Level(region.Level));

    public static FiguresJson Figures(Region region, RegionFigures f, int defaultTarget) => new(
        region.Code, region.Name, region.VillageCount, f.VillagesWithProgram, region.VillageCount - f.VillagesWithProgram,
        f.VillagesAtTarget, f.WorkersEnrolled, f.WorkerTarget, (long)region.VillageCount * defaultTarget,
        f.BudgetAllocated, f.BudgetCommitted, f.MonthlyPremiums);

    public static ProgressJson Progress(Region region, RegionProgress progress, RegionCatalog catalog, int defaultTarget) => new(
        Region(region), progress.AsOf.UtcDateTime, progress.Complete, progress.Version,
        Figures(region, progress.Figures, defaultTarget),
        progress.Figures.Occupations,
        [.. progress.Figures.EnrollmentsPerDay.Select(static d => new DayJson(d.Key, d.Value))],
        [.. progress.Figures.TopAgents.Take(AgentsShown).Select(static a => new AgentJson(a.AgentId, a.Enrollments, a.MonthlyPremiums))],
        [.. progress.Children.Select(c => Figures(catalog.Find(c.Code)!, c.Figures, defaultTarget))]);

    public static LaggingVillageJson Lagging(Region village, int target, int enrolled) =>
        new(village.Code, village.Name, village.Parent!.Code, village.Parent.Name, target, enrolled, target - enrolled);

    public static byte[] Utf8(ProgressJson json, JsonSerializerOptions options) => JsonSerializer.SerializeToUtf8Bytes(json, options);
}
