using System.Collections.Immutable;
using Villages.Domain;
using Villages.Progress;
using Villages.Regions;

namespace Villages.Tests.Progress;

/// <summary>One village as it answers for itself: its snapshot and every enrolment it holds.</summary>
/// <summary>A village's own state: its snapshot, its enrolments and the days its workers were enrolled (from its audit trail).</summary>
public sealed record VillageTruth(VillageView Snapshot, IReadOnlyList<EnrollmentView> Enrollments, IReadOnlyList<DateOnly> EnrolledDays);

/// <summary>
/// The brute-force truth a monitor checks the rollups against: every region's figures summed
/// straight from its villages' own state (never through <see cref="Figures"/> or a rollup), and a
/// field-by-field comparison with what a region grain says about itself and each of its children.
/// </summary>
public sealed class RollupTruth
{
    private static readonly FigureOptions Kept = new();
    private static readonly RegionCatalog Catalog = RegionCatalog.Default;
    private readonly IReadOnlyDictionary<string, VillageTruth> _villages;
    private readonly Dictionary<string, RegionFigures> _expected = new(StringComparer.Ordinal);
    private readonly DateOnly _today;

    private RollupTruth(IReadOnlyDictionary<string, VillageTruth> villages, DateOnly today) => (_villages, _today) = (villages, today);

    /// <summary>
    /// Asks every village for its snapshot and all its enrolments (withdrawn ones included); a
    /// village on a silo that just died is asked again until the cluster has moved it.
    /// </summary>
    public static async Task<RollupTruth> ReadAsync(IGrainFactory grains, IEnumerable<string> villageCodes, DateOnly today)
    {
        var villages = new System.Collections.Concurrent.ConcurrentDictionary<string, VillageTruth>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(villageCodes, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (code, _) =>
            villages[code] = await Rollups.PollAsync(async () =>
            {
                var village = grains.Village(code);
                var snapshot = await village.GetVillage();
                var enrollments = await village.ListEnrollments(0, 100_000);
                var history = await village.GetHistory(0, 1_000_000);
                var days = history.Items.Where(static h => h.Kind is ChangeKind.Enrolled or ChangeKind.Renewed).Select(static h => CoverageCalendar.LocalDate(h.At)).ToList();
                return new VillageTruth(snapshot, enrollments.Items, days);
            }, static _ => true, TimeSpan.FromMinutes(1)));
        return new RollupTruth(villages, today);
    }

    /// <summary>Every district, regency and province holding a village of the truth, and the nation: the regions to check.</summary>
    public IReadOnlyList<string> Regions =>
        [.. _villages.Keys.SelectMany(Ancestors).Distinct().OrderBy(static c => c.Length).ThenBy(static c => c, StringComparer.Ordinal)];

    /// <summary>A village's own answers must agree with its own records before they can judge a rollup.</summary>
    public IEnumerable<string> VillageInconsistencies() =>
        from v in _villages.Values
        let active = v.Enrollments.Where(static e => e.Status == EnrollmentStatus.Active).ToList()
        where v.Snapshot.ActiveEnrollments != active.Count
            || v.Enrollments.Select(static e => e.EnrollmentId).Distinct().Count() != v.Enrollments.Count
            || (v.Snapshot.Program?.BudgetCommitted ?? 0) != v.Enrollments.Sum(static e => e.Commitment)
            || v.Snapshot.MonthlyPremiums != active.Sum(static e => e.MonthlyPremium)
            || (v.Snapshot.Program?.BudgetCommitted ?? 0) > (v.Snapshot.Program?.BudgetAllocated ?? 0)
        select $"{v.Snapshot.Code}: snapshot {v.Snapshot} disagrees with its {v.Enrollments.Count} enrolments";

    /// <summary>What a region (or a village) must report: summed from the villages inside it.</summary>
    public RegionFigures Expected(string code)
    {
        if (_expected.TryGetValue(code, out var known)) return known;
        var villages = _villages
            .Where(v => code == RegionCode.Nation || v.Key == code || v.Key.StartsWith(code + ".", StringComparison.Ordinal))
            .Select(static v => v.Value).Where(static v => v.Snapshot.Program is not null).ToList();
        var all = villages.SelectMany(static v => v.Enrollments).ToList();
        var active = all.Where(static e => e.Status == EnrollmentStatus.Active).ToList();
        var lagging = villages
            .Select(static v => new LaggingVillage(v.Snapshot.Code, v.Snapshot.Program!.TargetWorkers,
                v.Enrollments.Count(static e => e.Status == EnrollmentStatus.Active)))
            .Where(static v => v.WorkersEnrolled < v.TargetWorkers);
        var today = _today;
        var year = villages.Where(static v => v.Snapshot.Program is not null).ToList();
        bool EnrolledIn(EnrollmentView e, int y) => e.Periods.Any(p => p.Year == y && p.CoverageEnd >= p.CoverageStart);
        return _expected[code] = new RegionFigures
        {
            Workers = new CohortFigures
            {
                VillagesWithProgram = villages.Count,
                VillagesAtTarget = villages.Count(static v => v.Enrollments.Count(static e => e.Status == EnrollmentStatus.Active) >= v.Snapshot.Program!.TargetWorkers),
                WorkersCovered = active.Count,
                WorkerTarget = villages.Sum(static v => (long)v.Snapshot.Program!.TargetWorkers),
                EffectiveSixths = active.Sum(static e => (long)Math.Min(e.CoverageMonths, 6)),
                EndingWithin30Days = active.Count(e => e.CoverageEnd >= today && e.CoverageEnd <= today.AddDays(29)),
                BudgetAllocated = villages.Sum(static v => v.Snapshot.Program!.BudgetAllocated),
                BudgetCommitted = all.Sum(static e => e.Commitment),
                MonthlyPremiums = active.Sum(static e => e.MonthlyPremium),
            },
            Occupations = active.GroupBy(static e => e.Occupation).ToImmutableSortedDictionary(static g => g.Key, static g => g.Count(), StringComparer.Ordinal),
            // Every enrolment event counts on its day, a worker's return included (the audit trail only grows).
            EnrollmentsPerDay = villages.SelectMany(static v => v.EnrolledDays).GroupBy(static d => d).ToImmutableSortedDictionary(static g => g.Key, static g => g.Count()),
            TopAgents = [.. active.Where(static e => e.AgentId is not null).GroupBy(static e => e.AgentId!)
                .Select(static g => new AgentResult(g.Key, g.Count(), g.Sum(static e => e.MonthlyPremium)))
                .OrderByDescending(static a => a.Enrollments).ThenByDescending(static a => a.MonthlyPremiums)
                .ThenBy(static a => a.AgentId, StringComparer.Ordinal).Take(Kept.TopAgents)],
            // Most workers short first, then the least progress, then by code.
            MostLagging = [.. lagging.OrderByDescending(static v => v.Shortfall)
                .ThenBy(static v => (double)v.WorkersEnrolled / v.TargetWorkers)
                .ThenBy(static v => v.Code, StringComparer.Ordinal).Take(Kept.LaggingKept)],
            Years = year.Count == 0 ? ImmutableSortedDictionary<int, YearFigures>.Empty : ImmutableSortedDictionary<int, YearFigures>.Empty.Add(today.Year, new YearFigures
            {
                VillagesWithProgram = year.Count,
                VillagesAtTarget = year.Count(v => v.Enrollments.Count(e => EnrolledIn(e, today.Year)) >= v.Snapshot.Program!.TargetWorkers),
                WorkersEnrolled = year.Sum(v => v.Enrollments.Count(e => EnrolledIn(e, today.Year))),
                WorkerTarget = year.Sum(static v => (long)v.Snapshot.Program!.TargetWorkers),
                BudgetAllocated = year.Sum(static v => v.Snapshot.Program!.BudgetAllocated),
                BudgetCommitted = year.Sum(static v => v.Snapshot.Program!.BudgetCommitted),
            }),
        };
    }

    /// <summary>Where a region's progress differs from the truth: its own figures, its list of children, each child's figures.</summary>
    public IEnumerable<string> Mismatches(RegionProgress progress)
    {
        var region = Catalog.Find(progress.Code)!;
        if (!progress.Complete) yield return $"{progress.Code}: still rebuilding";
        foreach (var m in Diff(progress.Code, Expected(progress.Code), progress.Figures)) yield return m;
        var children = progress.Children.Select(static c => c.Code).ToList();
        if (!children.SequenceEqual(region.Children.Select(static c => c.Code)))
        {
            yield return $"{progress.Code}: children [{string.Join(",", children)}] are not the reference data's {region.Children.Count}";
        }
        foreach (var child in progress.Children)
        {
            foreach (var m in Diff($"{progress.Code} > {child.Code}", Expected(child.Code), child.Figures)) yield return m;
        }
    }

    private static readonly (string Name, Func<RegionFigures, object> Value)[] Fields =
    [
        ("villagesWithProgram", static f => f.Workers.VillagesWithProgram),
        ("villagesAtTarget", static f => f.Workers.VillagesAtTarget),
        ("workersEnrolled", static f => f.Workers.WorkersCovered),
        ("workerTarget", static f => f.Workers.WorkerTarget),
        ("budgetAllocated", static f => f.Workers.BudgetAllocated),
        ("budgetCommitted", static f => f.Workers.BudgetCommitted),
        ("monthlyPremiums", static f => f.Workers.MonthlyPremiums),
        ("effectiveSixths", static f => f.Workers.EffectiveSixths),
        ("endingWithin30Days", static f => f.Workers.EndingWithin30Days),
        ("apparatus", static f => f.Apparatus.ToString()),
        ("years", static f => string.Join(" ", f.Years.Select(static y => $"{y.Key}:{y.Value}"))),
        ("occupations", static f => string.Join(" ", f.Occupations.Select(static o => $"{o.Key}:{o.Value}"))),
        ("enrollmentsPerDay", static f => string.Join(" ", f.EnrollmentsPerDay.Select(static d => $"{d.Key:MM-dd}:{d.Value}"))),
        ("topAgents", static f => string.Join(" ", f.TopAgents.Select(static a => $"{a.AgentId}:{a.Enrollments}:{a.MonthlyPremiums}"))),
        ("mostLagging", static f => string.Join(" ", f.MostLagging.Select(static v => $"{v.Code}:{v.WorkersEnrolled}/{v.TargetWorkers}"))),
    ];

    private static IEnumerable<string> Diff(string where, RegionFigures expected, RegionFigures actual) =>
        from field in Fields
        let e = field.Value(expected).ToString()!
        let a = field.Value(actual).ToString()!
        where e != a
        select $"{where} {field.Name}: expected {Short(e)}, got {Short(a)}";

    private static string Short(string text) => text.Length <= 160 ? text : text[..160] + "...";

    private static IEnumerable<string> Ancestors(string villageCode)
    {
        for (var region = Catalog.Find(villageCode)!.Parent; region is not null; region = region.Parent) yield return region.Code;
    }
}
