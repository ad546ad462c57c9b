using System.Collections.Immutable;

namespace Villages.Domain;

/// <summary>
/// The arithmetic of rollups: a village's figures from its ledger on a day (and on every later day
/// they change), a village's report read on a day, and the sum of children's figures. Pure, so the
/// tests can compare any region with a brute-force sum. Coverage is read as it will stand if
/// nothing more is paid (<see cref="VillageLedger.Projected"/>): a membership ending for arrears
/// leaves the figures at its midnight like a coverage that ran out.
/// </summary>
public static partial class Figures
{
    /// <summary>
    /// What one village tells its district: its figures today, its figures from every later day on
    /// which a coverage starts or ends or a budget year begins, and the days its workers' coverage
    /// ends. The district reads it on any day (<see cref="VillageOn"/>) without asking again.
    /// </summary>
    public static ChildReport Report(string code, VillageLedger ledger, DateOnly today, long version, FigureOptions options)
    {
        var projected = ledger.Projected.ToList();
        var money = MoneyOf(ledger, projected);
        var collected = AgentContributions.ByAgent(projected, money.Statements); // once: it does not move with the day
        var coverageDays = ChangeDates(ledger, projected, today);
        var later = coverageDays.Select(day => new DatedFigures(day, Current(code, ledger, projected, money, collected, day, options))).ToImmutableArray();
        var (workers, apparatus) = Ends(ledger, today);
        return new ChildReport
        {
            Code = code, Figures = OfVillage(code, ledger, projected, money, collected, today, options), Version = version, Later = later,
            WorkersEnding = workers, ApparatusEnding = apparatus, MoneyLater = MoneyTimeline(projected, money, today, coverageDays),
        };
    }

    /// <summary>A village's figures on a day (the ending-soon counts need its report: see <see cref="VillageOn"/>).</summary>
    public static RegionFigures OfVillage(string code, VillageLedger ledger, DateOnly day, FigureOptions options)
    {
        var projected = ledger.Projected.ToList();
        var money = MoneyOf(ledger, projected);
        return OfVillage(code, ledger, projected, money, AgentContributions.ByAgent(projected, money.Statements), day, options);
    }

    private static RegionFigures OfVillage(string code, VillageLedger ledger, List<Enrollment> projected, VillageMoney money,
        Dictionary<string, long> collected, DateOnly day, FigureOptions options) =>
        Current(code, ledger, projected, money, collected, day, options) with
        {
            EnrollmentsPerDay = ledger.EnrolledPerDay.Where(d => d.Key >= day.AddDays(1 - options.DaysKept) && d.Key <= day).ToImmutableSortedDictionary(),
            Years = YearsOf(ledger, Cohort.Vulnerable),
            ApparatusYears = YearsOf(ledger, Cohort.Apparatus),
        };

    /// <summary>A village's report read on a day: the figures in force that day, with its workers ending within the window and its money.</summary>
    public static RegionFigures VillageOn(ChildReport report, DateOnly day, FigureOptions options)
    {
        var current = report.Figures;
        foreach (var later in report.Later)
        {
            if (later.From > day) break;
            current = later.Figures;
        }
        var (workersMoney, apparatusMoney) = (report.Figures.Workers.Money, report.Figures.Apparatus.Money);
        foreach (var later in report.MoneyLater)
        {
            if (later.From > day) break;
            (workersMoney, apparatusMoney) = (later.Workers, later.Apparatus);
        }
        var last = day.AddDays(options.EndingWindowDays - 1);
        return current with
        {
            Workers = current.Workers with { EndingWithin30Days = Ending(report.WorkersEnding, day, last), Money = workersMoney },
            Apparatus = current.Apparatus with { EndingWithin30Days = Ending(report.ApparatusEnding, day, last), Money = apparatusMoney },
            MostInArrears = InArrears(report.Code, workersMoney, apparatusMoney),
            EnrollmentsPerDay = report.Figures.EnrollmentsPerDay,
            Years = report.Figures.Years,
            ApparatusYears = report.Figures.ApparatusYears,
        };
    }

    /// <summary>The sum of children's figures, keeping the best agents and the most lagging villages.</summary>
    public static RegionFigures Sum(IEnumerable<RegionFigures> children, DateOnly today, FigureOptions options)
    {
        var workers = new CohortSum();
        var apparatus = new CohortSum();
        var occupations = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var days = new SortedDictionary<DateOnly, int>();
        var agents = new Dictionary<string, AgentResult>(StringComparer.Ordinal);
        var lagging = new List<LaggingVillage>();
        var inArrears = new List<VillageArrears>();
        var years = new SortedDictionary<int, YearFigures>();
        var apparatusYears = new SortedDictionary<int, YearFigures>();
        var firstDay = today.AddDays(1 - options.DaysKept);
        foreach (var f in children)
        {
            workers.Add(f.Workers);
            apparatus.Add(f.Apparatus);
            foreach (var (occupation, count) in f.Occupations) occupations[occupation] = occupations.GetValueOrDefault(occupation) + count;
            foreach (var (day, count) in f.EnrollmentsPerDay)
            {
                if (day >= firstDay && day <= today) days[day] = days.GetValueOrDefault(day) + count;
            }
            foreach (var a in f.TopAgents) agents[a.AgentId] = agents.TryGetValue(a.AgentId, out var seen) ? seen.Add(a) : a;
            lagging.AddRange(f.MostLagging);
            inArrears.AddRange(f.MostInArrears);
            AddYears(years, f.Years);
            AddYears(apparatusYears, f.ApparatusYears);
        }
        return new RegionFigures
        {
            Workers = workers.Figures, Apparatus = apparatus.Figures,
            Occupations = occupations.ToImmutableSortedDictionary(StringComparer.Ordinal), EnrollmentsPerDay = days.ToImmutableSortedDictionary(),
            TopAgents = Top(agents.Values, options.TopAgents), MostLagging = MostLagging(lagging, options.LaggingKept),
            Years = years.ToImmutableSortedDictionary(), ApparatusYears = apparatusYears.ToImmutableSortedDictionary(),
            MostInArrears = MostInArrears(inArrears, options.ArrearsKept),
        };
    }

    /// <summary>Furthest behind first (most workers short), then the least progress, then by code.</summary>
    public static ImmutableArray<LaggingVillage> MostLagging(IEnumerable<LaggingVillage> villages, int keep) =>
        [.. villages
            .OrderByDescending(static v => v.Shortfall)
            .ThenBy(static v => (double)v.WorkersEnrolled / v.TargetWorkers)
            .ThenBy(static v => v.Code, StringComparer.Ordinal)
            .Take(keep)];

    /// <summary>The figures that move with the day: this year's programmes, the workers covered that day, the money.</summary>
    private static RegionFigures Current(string code, VillageLedger ledger, List<Enrollment> projected, VillageMoney money,
        Dictionary<string, long> collected, DateOnly day, FigureOptions options)
    {
        // One pass over the workers, no intermediate lists: this runs for every day the figures change, at every write.
        var (vulnerable, apparatus) = (new CoveredSum(), new CoveredSum());
        var occupations = ImmutableSortedDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        var agents = new Dictionary<string, AgentResult>(StringComparer.Ordinal);
        foreach (var e in projected)
        {
            if (e.CoveringOn(day) is not { } block) continue;
            var confirmed = e.ConfirmedOn is { } on && on <= day;
            if (block.Program.Cohort == Villages.Cohort.Apparatus)
            {
                apparatus.Add(block, confirmed);
                continue;
            }
            vulnerable.Add(block, confirmed);
            occupations[e.Occupation] = occupations.GetValueOrDefault(e.Occupation) + 1;
            if (e.AgentId is { } agent)
            {
                agents[agent] = agents.TryGetValue(agent, out var r)
                    ? r with { Enrollments = r.Enrollments + 1, MonthlyPremiums = r.MonthlyPremiums + block.MonthlyPremium }
                    : new AgentResult(agent, 1, block.MonthlyPremium);
            }
        }
        foreach (var (agent, amount) in collected) agents[agent] = (agents.GetValueOrDefault(agent) ?? new AgentResult(agent, 0, 0)) with { ContributionsCollected = amount };
        var (workersMoney, apparatusMoney) = (MoneyOn(Villages.Cohort.Vulnerable, projected, money, day), MoneyOn(Villages.Cohort.Apparatus, projected, money, day));
        var workers = CohortOn(ledger, Villages.Cohort.Vulnerable, day, vulnerable) with { Money = workersMoney };
        var lagging = workers.VillagesWithProgram == 1 && workers.WorkersCovered < workers.WorkerTarget
            ? ImmutableArray.Create(new LaggingVillage(code, (int)workers.WorkerTarget, workers.WorkersCovered))
            : [];
        return RegionFigures.Zero with
        {
            Workers = workers,
            Apparatus = CohortOn(ledger, Villages.Cohort.Apparatus, day, apparatus) with { Money = apparatusMoney },
            Occupations = occupations.ToImmutable(),
            TopAgents = agents.Count == 0 ? [] : Top(agents.Values, options.TopAgents),
            MostLagging = lagging,
            MostInArrears = InArrears(code, workersMoney, apparatusMoney),
        };
    }

    private static CohortFigures CohortOn(VillageLedger ledger, Cohort cohort, DateOnly day, CoveredSum covered)
    {
        long target = 0, allocated = 0, committed = 0;
        var programmes = 0;
        foreach (var p in ledger.ProgrammesOf(day.Year, cohort))
        {
            programmes++;
            (target, allocated, committed) = (target + p.Terms.TargetWorkers, allocated + p.Terms.BudgetAllocated, committed + ledger.Committed(p.Key));
        }
        return new CohortFigures
        {
            VillagesWithProgram = programmes > 0 ? 1 : 0,
            VillagesAtTarget = programmes > 0 && covered.Workers >= target ? 1 : 0,
            WorkersCovered = covered.Workers, WorkerTarget = target,
            EffectiveSixths = covered.EffectiveSixths,
            BudgetAllocated = allocated,
            BudgetCommitted = committed,
            MonthlyPremiums = covered.MonthlyPremiums,
            ConfirmedByBpjs = covered.Confirmed,
        };
    }

    /// <summary>The workers of one cohort covered on a day, summed as they are met.</summary>
    private sealed class CoveredSum
    {
        public int Workers { get; private set; }
        public long EffectiveSixths { get; private set; }
        public long MonthlyPremiums { get; private set; }
        public int Confirmed { get; private set; }

        public void Add(CoverageBlock block, bool confirmed)
        {
            Workers++;
            EffectiveSixths += block.EffectiveSixths;
            MonthlyPremiums += block.MonthlyPremium;
            if (confirmed) Confirmed++;
        }
    }

    /// <summary>Each budget year's programmes of a cohort, and the workers enrolled into them (a block withdrawn before it began does not count).</summary>
    private static ImmutableSortedDictionary<int, YearFigures> YearsOf(VillageLedger ledger, Cohort cohort) =>
        ledger.Programmes.Where(p => p.Key.Cohort == cohort).GroupBy(static p => p.Key.Year).ToImmutableSortedDictionary(
            static g => g.Key,
            g =>
            {
                var target = g.Sum(static p => p.Terms.TargetWorkers);
                var enrolled = ledger.Enrollments.Count(e => e.Blocks.Any(b => b.Program.Year == g.Key && b.Program.Cohort == cohort && b.End >= b.Start));
                return new YearFigures
                {
                    VillagesWithProgram = 1, VillagesAtTarget = enrolled >= target ? 1 : 0, WorkersEnrolled = enrolled, WorkerTarget = target,
                    BudgetAllocated = g.Sum(static p => p.Terms.BudgetAllocated), BudgetCommitted = g.Sum(p => ledger.Committed(p.Key)),
                };
            });

    /// <summary>The later days on which a village's coverage figures change: coverage starting or ending, a budget year beginning.</summary>
    private static SortedSet<DateOnly> ChangeDates(VillageLedger ledger, List<Enrollment> projected, DateOnly today)
    {
        var days = new SortedSet<DateOnly>();
        foreach (var e in projected)
        {
            foreach (var block in e.Blocks) // the array's own enumerator: no object per worker, as SelectMany made
            {
                if (block.End < block.Start) continue;
                if (block.Start > today) days.Add(block.Start);
                if (block.End >= today) days.Add(block.End.AddDays(1));
            }
        }
        foreach (var year in ledger.Programmes.Select(static p => p.Key.Year).Distinct())
        {
            foreach (var first in new[] { new DateOnly(year, 1, 1), new DateOnly(year + 1, 1, 1) })
            {
                if (first > today) days.Add(first);
            }
        }
        return days;
    }

    /// <summary>The days on which the coverage of workers covered from today on ends, not followed by a renewal.</summary>
    private static (ImmutableSortedDictionary<DateOnly, int> Workers, ImmutableSortedDictionary<DateOnly, int> Apparatus) Ends(VillageLedger ledger, DateOnly today)
    {
        var workers = new SortedDictionary<DateOnly, int>();
        var apparatus = new SortedDictionary<DateOnly, int>();
        static bool Counts(CoverageBlock b, DateOnly today) => b.End >= b.Start && b.End >= today;
        foreach (var e in ledger.Enrollments)
        {
            foreach (var block in e.Blocks)
            {
                if (!Counts(block, today)) continue;
                var renewed = false; // the coverage goes on in a block starting the next day
                foreach (var next in e.Blocks) renewed |= Counts(next, today) && next.Start == block.End.AddDays(1);
                if (renewed) continue;
                var ends = block.Program.Cohort == Villages.Cohort.Apparatus ? apparatus : workers;
                ends[block.End] = ends.GetValueOrDefault(block.End) + 1;
            }
        }
        return (workers.ToImmutableSortedDictionary(), apparatus.ToImmutableSortedDictionary());
    }

    private static int Ending(ImmutableSortedDictionary<DateOnly, int> ends, DateOnly first, DateOnly last) =>
        ends.Where(e => e.Key >= first && e.Key <= last).Sum(static e => e.Value);

    private static void AddYears(SortedDictionary<int, YearFigures> sums, ImmutableSortedDictionary<int, YearFigures> years)
    {
        foreach (var (year, y) in years)
        {
            var s = sums.GetValueOrDefault(year) ?? new YearFigures();
            sums[year] = new YearFigures
            {
                VillagesWithProgram = s.VillagesWithProgram + y.VillagesWithProgram, VillagesAtTarget = s.VillagesAtTarget + y.VillagesAtTarget,
                WorkersEnrolled = s.WorkersEnrolled + y.WorkersEnrolled, WorkerTarget = s.WorkerTarget + y.WorkerTarget,
                BudgetAllocated = s.BudgetAllocated + y.BudgetAllocated, BudgetCommitted = s.BudgetCommitted + y.BudgetCommitted,
            };
        }
    }

    private static ImmutableArray<AgentResult> Top(IEnumerable<AgentResult> agents, int keep) =>
        [.. agents
            .OrderByDescending(static a => a.Enrollments)
            .ThenByDescending(static a => a.MonthlyPremiums)
            .ThenBy(static a => a.AgentId, StringComparer.Ordinal)
            .Take(keep)];

    /// <summary>A running sum of one cohort's figures, in plain fields: a region sums every child at every push.</summary>
    private sealed class CohortSum
    {
        private int _villagesWithProgram, _villagesAtTarget, _workersCovered, _endingWithin30Days, _confirmedByBpjs;
        private long _workerTarget, _effectiveSixths, _budgetAllocated, _budgetCommitted, _monthlyPremiums;
        private readonly List<CohortMoney> _money = [];

        public CohortFigures Figures => new()
        {
            VillagesWithProgram = _villagesWithProgram, VillagesAtTarget = _villagesAtTarget, WorkersCovered = _workersCovered, WorkerTarget = _workerTarget,
            EffectiveSixths = _effectiveSixths, EndingWithin30Days = _endingWithin30Days, BudgetAllocated = _budgetAllocated,
            BudgetCommitted = _budgetCommitted, MonthlyPremiums = _monthlyPremiums, ConfirmedByBpjs = _confirmedByBpjs,
            Money = CohortMoney.Total(_money),
        };

        public void Add(CohortFigures f)
        {
            _villagesWithProgram += f.VillagesWithProgram;
            _villagesAtTarget += f.VillagesAtTarget;
            _workersCovered += f.WorkersCovered;
            _workerTarget += f.WorkerTarget;
            _effectiveSixths += f.EffectiveSixths;
            _endingWithin30Days += f.EndingWithin30Days;
            _budgetAllocated += f.BudgetAllocated;
            _budgetCommitted += f.BudgetCommitted;
            _monthlyPremiums += f.MonthlyPremiums;
            _confirmedByBpjs += f.ConfirmedByBpjs;
            _money.Add(f.Money); // summed once, by CohortMoney.Total: one home for how money adds up
        }
    }
}
