using System.Collections.Immutable;

namespace Villages;

/// <summary>
/// A PERISAI agent's results in a region: workers covered today through them and their monthly
/// premiums, and the contributions collected for every worker they enrolled (their commission's base).
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.AgentResult")]
public sealed record AgentResult(
    [property: Id(0)] string AgentId,
    [property: Id(1)] int Enrollments,
    [property: Id(2)] long MonthlyPremiums,
    [property: Id(3)] long ContributionsCollected = 0)
{
    public AgentResult Add(AgentResult other) => this with
    {
        Enrollments = Enrollments + other.Enrollments, MonthlyPremiums = MonthlyPremiums + other.MonthlyPremiums,
        ContributionsCollected = ContributionsCollected + other.ContributionsCollected,
    };
}

/// <summary>A village behind this year's target: how many workers it still lacks.</summary>
[GenerateSerializer, Immutable, Alias("Villages.LaggingVillage")]
public sealed record LaggingVillage(
    [property: Id(0)] string Code,
    [property: Id(1)] int TargetWorkers,
    [property: Id(2)] int WorkersEnrolled)
{
    public int Shortfall => TargetWorkers - WorkersEnrolled;
}

/// <summary>
/// The figures of one cohort (vulnerable workers, or village apparatus) on a day: this year's
/// programmes and money, and the workers whose coverage runs that day.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.CohortFigures")]
public sealed record CohortFigures
{
    public static readonly CohortFigures Zero = new();

    /// <summary>Villages with a programme this budget year.</summary>
    [Id(0)] public int VillagesWithProgram { get; init; }
    /// <summary>Of them, villages whose workers covered today reach this year's target.</summary>
    [Id(1)] public int VillagesAtTarget { get; init; }
    /// <summary>Workers covered today, each counted once.</summary>
    [Id(2)] public int WorkersCovered { get; init; }
    [Id(3)] public long WorkerTarget { get; init; }
    /// <summary>
    /// Effective coverage in sixths of a worker: BPJS counts a worker fully with at least 6 paid
    /// months, fewer in proportion (3 months: 3/6). Kept in sixths so that sums stay exact.
    /// </summary>
    [Id(4)] public long EffectiveSixths { get; init; }
    /// <summary>Workers covered today whose coverage ends within 30 days (today included) and is not renewed.</summary>
    [Id(5)] public int EndingWithin30Days { get; init; }
    [Id(6)] public long BudgetAllocated { get; init; }
    [Id(7)] public long BudgetCommitted { get; init; }
    /// <summary>The monthly premiums of the workers covered today.</summary>
    [Id(8)] public long MonthlyPremiums { get; init; }
    /// <summary>What is due to BPJS and what is in arrears, on the day.</summary>
    [Id(9)] public CohortMoney Money { get; init; } = CohortMoney.Zero;
    /// <summary>Workers covered today whose registration BPJS confirmed (reconciliation); the rest are registered by the village only.</summary>
    [Id(10)] public int ConfirmedByBpjs { get; init; }
}

/// <summary>The money side of a cohort's figures on a day: contributions due this month, arrears, memberships ended for them.</summary>
[GenerateSerializer, Immutable, Alias("Villages.CohortMoney")]
public sealed record CohortMoney
{
    public static readonly CohortMoney Zero = new();

    /// <summary>Workers covered today whose programme has a month of theirs in arrears.</summary>
    [Id(0)] public int WorkersInArrears { get; init; }
    /// <summary>What this month's contributions make due to BPJS.</summary>
    [Id(1)] public long AmountDueThisMonth { get; init; }
    /// <summary>What was paid for this month's contributions so far.</summary>
    [Id(2)] public long AmountPaidThisMonth { get; init; }
    /// <summary>Unpaid contributions of months whose due date passed.</summary>
    [Id(3)] public long AmountInArrears { get; init; }
    /// <summary>Memberships ended for arrears this calendar year.</summary>
    [Id(4)] public int TerminatedThisYear { get; init; }
    /// <summary>Villages with contributions in arrears.</summary>
    [Id(5)] public int VillagesInArrears { get; init; }
    /// <summary>The most months in arrears of one programme (of any village below).</summary>
    [Id(6)] public int MonthsInArrears { get; init; }

    /// <summary>
    /// The money of many regions or villages as one: counts and amounts add up, the most months in
    /// arrears is a maximum. One object for the whole sum (a region sums its children at every push).
    /// </summary>
    public static CohortMoney Total(IReadOnlyList<CohortMoney> parts)
    {
        int workers = 0, terminated = 0, villages = 0, months = 0;
        long due = 0, paid = 0, arrears = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            var p = parts[i];
            (workers, due, paid, arrears) = (workers + p.WorkersInArrears, due + p.AmountDueThisMonth, paid + p.AmountPaidThisMonth, arrears + p.AmountInArrears);
            (terminated, villages, months) = (terminated + p.TerminatedThisYear, villages + p.VillagesInArrears, Math.Max(months, p.MonthsInArrears));
        }
        return new()
        {
            WorkersInArrears = workers, AmountDueThisMonth = due, AmountPaidThisMonth = paid, AmountInArrears = arrears,
            TerminatedThisYear = terminated, VillagesInArrears = villages, MonthsInArrears = months,
        };
    }
}

/// <summary>A village's money figures from a day on, until the next entry of its money timeline.</summary>
[GenerateSerializer, Immutable, Alias("Villages.DatedMoney")]
public sealed record DatedMoney(
    [property: Id(0)] DateOnly From,
    [property: Id(1)] CohortMoney Workers,
    [property: Id(2)] CohortMoney Apparatus);

/// <summary>A village with contributions in arrears: how much, how many months at most, how many workers.</summary>
[GenerateSerializer, Immutable, Alias("Villages.VillageArrears")]
public sealed record VillageArrears(
    [property: Id(0)] string Code,
    [property: Id(1)] long AmountInArrears,
    [property: Id(2)] int MonthsInArrears,
    [property: Id(3)] int WorkersInArrears);

/// <summary>One budget year's programmes: who opened one, who reached its target with the workers enrolled into it.</summary>
[GenerateSerializer, Immutable, Alias("Villages.YearFigures")]
public sealed record YearFigures
{
    [Id(0)] public int VillagesWithProgram { get; init; }
    [Id(1)] public int VillagesAtTarget { get; init; }
    /// <summary>Workers enrolled into the year's programmes (renewed ones included), each counted once.</summary>
    [Id(2)] public int WorkersEnrolled { get; init; }
    [Id(3)] public long WorkerTarget { get; init; }
    [Id(4)] public long BudgetAllocated { get; init; }
    [Id(5)] public long BudgetCommitted { get; init; }
}

/// <summary>
/// What a region (or one village) adds to the figures of the region above it, on a day. Every
/// number sums; the lists keep only the most telling entries (top agents, most lagging villages).
/// Vulnerable workers and village apparatus are kept apart in every figure.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.RegionFigures.2")]
public sealed record RegionFigures
{
    public static readonly RegionFigures Zero = new();

    [Id(0)] public CohortFigures Workers { get; init; } = CohortFigures.Zero;
    [Id(1)] public CohortFigures Apparatus { get; init; } = CohortFigures.Zero;
    /// <summary>Vulnerable workers covered today, by occupation.</summary>
    [Id(2)] public ImmutableSortedDictionary<string, int> Occupations { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    /// <summary>Enrolments and renewals made per day (WIB), the last days kept.</summary>
    [Id(3)] public ImmutableSortedDictionary<DateOnly, int> EnrollmentsPerDay { get; init; } = ImmutableSortedDictionary<DateOnly, int>.Empty;
    [Id(4)] public ImmutableArray<AgentResult> TopAgents { get; init; } = [];
    [Id(5)] public ImmutableArray<LaggingVillage> MostLagging { get; init; } = [];
    /// <summary>Vulnerable workers' programmes by budget year.</summary>
    [Id(6)] public ImmutableSortedDictionary<int, YearFigures> Years { get; init; } = ImmutableSortedDictionary<int, YearFigures>.Empty;
    /// <summary>Village apparatus programmes by budget year.</summary>
    [Id(7)] public ImmutableSortedDictionary<int, YearFigures> ApparatusYears { get; init; } = ImmutableSortedDictionary<int, YearFigures>.Empty;
    /// <summary>The villages with the most in arrears, worst first.</summary>
    [Id(8)] public ImmutableArray<VillageArrears> MostInArrears { get; init; } = [];
}

/// <summary>A village's figures from a day on, until the next entry of its timeline.</summary>
[GenerateSerializer, Immutable, Alias("Villages.DatedFigures")]
public sealed record DatedFigures([property: Id(0)] DateOnly From, [property: Id(1)] RegionFigures Figures);

/// <summary>
/// A child's figures as its parent last heard them. Reports are ordered by (Day, Version): a
/// report replaces the previous one only if newer, so retries and reorderings never double-count.
/// A village's report does not depend on the day: it carries its figures for every later day on
/// which they change (coverage starting or ending, a new budget year) and the days its workers'
/// coverage ends, so its district can move its figures at midnight without asking it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.ChildReport.2")]
public sealed record ChildReport
{
    [Id(0)] public required string Code { get; init; }
    /// <summary>The figures on <see cref="Day"/> (a village: on the day it reported).</summary>
    [Id(1)] public required RegionFigures Figures { get; init; }
    /// <summary>Grows with every durable change below (the sum of storage versions).</summary>
    [Id(2)] public required long Version { get; init; }
    /// <summary>The day the figures are for; a village's report leaves it at its default (valid on any day).</summary>
    [Id(3)] public DateOnly Day { get; init; }
    /// <summary>A village's figures from later days on.</summary>
    [Id(4)] public ImmutableArray<DatedFigures> Later { get; init; } = [];
    /// <summary>A village's vulnerable workers whose coverage ends on each day (and is not renewed).</summary>
    [Id(5)] public ImmutableSortedDictionary<DateOnly, int> WorkersEnding { get; init; } = ImmutableSortedDictionary<DateOnly, int>.Empty;
    /// <summary>The same for village apparatus.</summary>
    [Id(6)] public ImmutableSortedDictionary<DateOnly, int> ApparatusEnding { get; init; } = ImmutableSortedDictionary<DateOnly, int>.Empty;
    /// <summary>
    /// A village's money figures from later days on (months beginning, due dates passing,
    /// memberships ending for arrears), kept apart and small: most months change nothing.
    /// </summary>
    [Id(7)] public ImmutableArray<DatedMoney> MoneyLater { get; init; } = [];

    public bool IsNewerThan(ChildReport other) => Day > other.Day || (Day == other.Day && Version > other.Version);

    public static ChildReport Empty(string code) => new() { Code = code, Figures = RegionFigures.Zero, Version = 0 };
}

/// <summary>A region's progress on a day: its own figures and each child region's, answered from memory.</summary>
[GenerateSerializer, Immutable, Alias("Villages.RegionProgress.2")]
public sealed record RegionProgress(
    [property: Id(0)] string Code,
    [property: Id(1)] RegionFigures Figures,
    [property: Id(2)] ImmutableArray<ChildReport> Children,
    [property: Id(3)] long Version,
    [property: Id(4)] DateTimeOffset AsOf,
    [property: Id(5)] bool Complete,
    [property: Id(6)] DateOnly Day)
{
    /// <summary>Newer figures: a later day, or more durable changes below on the same day.</summary>
    public bool IsNewerThan(RegionProgress other) => Day > other.Day || (Day == other.Day && Version > other.Version);
}

[GenerateSerializer, Immutable, Alias("Villages.VillageCodePage")]
public sealed record VillageCodePage(
    [property: Id(0)] ImmutableArray<string> Codes,
    [property: Id(1)] int Total);
