using System.Text.Json;
using Villages.Regions;

namespace Villages.WebApi.Progress;

public sealed record RegionJson(string Code, string Name, string Level);

public sealed record DayJson(DateOnly Date, int Enrollments);

/// <summary>A PERISAI agent's results in a region.</summary>
/// <param name="Enrollments">Workers covered today through the agent.</param>
/// <param name="MonthlyPremiums">Their monthly premiums.</param>
/// <param name="ContributionsCollected">What was paid to BPJS for the months of every worker the agent enrolled (the base of the commission).</param>
public sealed record AgentJson(string AgentId, int Enrollments, long MonthlyPremiums, long ContributionsCollected);

/// <summary>
/// The figures of one region on a day (the same shape for the region and each of its children), for
/// vulnerable workers; village apparatus apart in <see cref="Apparatus"/>, budget years in <see cref="Years"/>.
/// </summary>
/// <param name="WorkersEnrolled">Workers covered today (the first release's name for it).</param>
/// <param name="CoveredToday">Workers covered today, each counted once.</param>
/// <param name="EffectiveCoverage">As BPJS reports it: a worker with 6 or more paid months counts fully, fewer in proportion.</param>
/// <param name="EndingWithin30Days">Workers covered today whose coverage ends within 30 days and is not renewed.</param>
/// <param name="ConfirmedByBpjs">Of the workers covered today (registered by the village), those BPJS's result file confirmed.</param>
/// <param name="WorkersInArrears">Workers covered today whose programme has a month of theirs in arrears.</param>
/// <param name="AmountInArrears">Unpaid contributions of months whose due date passed.</param>
/// <param name="TerminatedThisYear">Memberships ended for arrears this calendar year.</param>
public sealed record FiguresJson(
    string Code, string Name, int Villages, int VillagesWithProgram, int VillagesNotStarted, int VillagesAtTarget,
    int WorkersEnrolled, long WorkerTarget, long CampaignTarget, long BudgetAllocated, long BudgetCommitted, long MonthlyPremiums,
    int CoveredToday, decimal EffectiveCoverage, int EndingWithin30Days, CohortJson Apparatus, IReadOnlyDictionary<string, YearJson> Years,
    int ConfirmedByBpjs, int WorkersInArrears, long AmountDueThisMonth, long AmountPaidThisMonth, long AmountInArrears, int TerminatedThisYear,
    int VillagesInArrears);

/// <summary>A cohort's figures today (village apparatus: perangkat desa).</summary>
public sealed record CohortJson(
    int VillagesWithProgram, int VillagesAtTarget, int CoveredToday, long WorkerTarget, decimal EffectiveCoverage, int EndingWithin30Days,
    long BudgetAllocated, long BudgetCommitted, long MonthlyPremiums, int ConfirmedByBpjs, int WorkersInArrears, long AmountDueThisMonth,
    long AmountPaidThisMonth, long AmountInArrears, int TerminatedThisYear, int VillagesInArrears);

/// <summary>One budget year's programmes: villages that opened one and that reached its target with the workers enrolled into it.</summary>
public sealed record YearJson(int VillagesWithProgram, int VillagesAtTarget, int WorkersEnrolled, long WorkerTarget, long BudgetAllocated, long BudgetCommitted);

/// <param name="Day">The day (WIB) the figures are for: they move at midnight.</param>
/// <param name="Year">The budget year "this year" means on that day.</param>
public sealed record ProgressJson(
    RegionJson Region, DateTime AsOf, bool Complete, long Version, FiguresJson Totals,
    IReadOnlyDictionary<string, int> Occupations, IReadOnlyList<DayJson> EnrollmentsPerDay, IReadOnlyList<AgentJson> TopAgents,
    IReadOnlyList<FiguresJson> Children, DateOnly Day, int Year);

public sealed record LaggingVillageJson(
    string Code, string Name, string DistrictCode, string DistrictName, int TargetWorkers, int WorkersEnrolled, int Shortfall);

public sealed record LaggingJson(RegionJson Region, string List, int Total, int Offset, int Limit, IReadOnlyList<LaggingVillageJson> Villages);

/// <summary>A village with contributions in arrears: how much, the most months of one programme, the workers concerned.</summary>
public sealed record ArrearsVillageJson(
    string Code, string Name, string DistrictCode, string DistrictName, long AmountInArrears, int MonthsInArrears, int WorkersInArrears);

public sealed record ArrearsJson(RegionJson Region, int Total, int Offset, int Limit, IReadOnlyList<ArrearsVillageJson> Villages);

/// <summary>Progress as the public JSON shapes.</summary>
public static class ProgressMapping
{
    /// <summary>Top agents shown with a region's progress; the agents endpoint pages further.</summary>
    public const int AgentsShown = 10;

    public static string Level(RegionLevel level) => level.ToString().ToLowerInvariant();

    public static RegionJson Region(Region region) => new(region.Code, region.Name, Level(region.Level));

    public static FiguresJson Figures(Region region, RegionFigures figures, int defaultTarget)
    {
        var f = figures.Workers;
        return new FiguresJson(
            region.Code, region.Name, region.VillageCount, f.VillagesWithProgram, region.VillageCount - f.VillagesWithProgram,
            f.VillagesAtTarget, f.WorkersCovered, f.WorkerTarget, (long)region.VillageCount * defaultTarget,
            f.BudgetAllocated, f.BudgetCommitted, f.MonthlyPremiums, f.WorkersCovered, Effective(f), f.EndingWithin30Days,
            Cohort(figures.Apparatus), Years(figures.Years), f.ConfirmedByBpjs, f.Money.WorkersInArrears, f.Money.AmountDueThisMonth,
            f.Money.AmountPaidThisMonth, f.Money.AmountInArrears, f.Money.TerminatedThisYear, f.Money.VillagesInArrears);
    }

    public static CohortJson Cohort(CohortFigures f) => new(
        f.VillagesWithProgram, f.VillagesAtTarget, f.WorkersCovered, f.WorkerTarget, Effective(f), f.EndingWithin30Days,
        f.BudgetAllocated, f.BudgetCommitted, f.MonthlyPremiums, f.ConfirmedByBpjs, f.Money.WorkersInArrears, f.Money.AmountDueThisMonth,
        f.Money.AmountPaidThisMonth, f.Money.AmountInArrears, f.Money.TerminatedThisYear, f.Money.VillagesInArrears);

    public static IReadOnlyDictionary<string, YearJson> Years(IReadOnlyDictionary<int, YearFigures> years) =>
        years.ToDictionary(static y => y.Key.ToString(System.Globalization.CultureInfo.InvariantCulture),
            static y => new YearJson(y.Value.VillagesWithProgram, y.Value.VillagesAtTarget, y.Value.WorkersEnrolled, y.Value.WorkerTarget,
                y.Value.BudgetAllocated, y.Value.BudgetCommitted));

    /// <summary>Workers, in hundredths: sixths of a worker summed exactly, shown to two decimals.</summary>
    private static decimal Effective(CohortFigures f) => Math.Round(f.EffectiveSixths / 6m, 2);

    public static ProgressJson Progress(Region region, RegionProgress progress, RegionCatalog catalog, int defaultTarget) => new(
        Region(region), progress.AsOf.UtcDateTime, progress.Complete, progress.Version,
        Figures(region, progress.Figures, defaultTarget),
        progress.Figures.Occupations,
        [.. progress.Figures.EnrollmentsPerDay.Select(static d => new DayJson(d.Key, d.Value))],
        [.. progress.Figures.TopAgents.Take(AgentsShown).Select(Agent)],
        [.. progress.Children.Select(c => Figures(catalog.Find(c.Code)!, c.Figures, defaultTarget))], progress.Day, progress.Day.Year);

    public static AgentJson Agent(AgentResult a) => new(a.AgentId, a.Enrollments, a.MonthlyPremiums, a.ContributionsCollected);

    public static LaggingVillageJson Lagging(Region village, int target, int enrolled) =>
        new(village.Code, village.Name, village.Parent!.Code, village.Parent.Name, target, enrolled, target - enrolled);

    public static ArrearsVillageJson Arrears(Region village, VillageArrears a) =>
        new(village.Code, village.Name, village.Parent!.Code, village.Parent.Name, a.AmountInArrears, a.MonthsInArrears, a.WorkersInArrears);

    public static byte[] Utf8(ProgressJson json, JsonSerializerOptions options) => JsonSerializer.SerializeToUtf8Bytes(json, options);
}
