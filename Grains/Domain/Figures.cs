using System.Collections.Immutable;

namespace Villages.Domain;

/// <summary>
/// The arithmetic of rollups: a village's figures from its ledger, and the sum of children's
/// figures. Pure, so the tests can compare any region with a brute-force sum.
/// </summary>
public static class Figures
{
    /// <summary>What one village contributes to its district.</summary>
    public static RegionFigures OfVillage(string code, VillageLedger ledger, DateOnly today, FigureOptions options)
    {
        if (ledger.Program is not { } program) return RegionFigures.Zero;
        var firstDay = today.AddDays(1 - options.DaysKept);
        var lagging = ledger.ActiveCount < program.TargetWorkers
            ? ImmutableArray.Create(new LaggingVillage(code, program.TargetWorkers, ledger.ActiveCount))
            : [];
        return new RegionFigures(
            VillagesWithProgram: 1,
            VillagesAtTarget: ledger.ActiveCount >= program.TargetWorkers ? 1 : 0,
            WorkersEnrolled: ledger.ActiveCount,
            WorkerTarget: program.TargetWorkers,
            BudgetAllocated: program.BudgetAllocated,
            BudgetCommitted: ledger.Committed,
            MonthlyPremiums: ledger.MonthlyPremiums,
            Occupations: ledger.Occupations.ToImmutableSortedDictionary(StringComparer.Ordinal),
            EnrollmentsPerDay: ledger.EnrolledPerDay.Where(d => d.Key >= firstDay).ToImmutableSortedDictionary(),
            TopAgents: Top(ledger.Agents.Select(static a => new AgentResult(a.Key, a.Value.Enrollments, a.Value.MonthlyPremiums)), options.TopAgents),
            MostLagging: lagging);
    }

    /// <summary>The sum of children's figures, keeping the best agents and the most lagging villages.</summary>
    public static RegionFigures Sum(IEnumerable<RegionFigures> children, DateOnly today, FigureOptions options)
    {
        int withProgram = 0, atTarget = 0, enrolled = 0;
        long target = 0, allocated = 0, committed = 0, premiums = 0;
        var occupations = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var days = new SortedDictionary<DateOnly, int>();
        var agents = new Dictionary<string, AgentResult>(StringComparer.Ordinal);
        var lagging = new List<LaggingVillage>();
        var firstDay = today.AddDays(1 - options.DaysKept);
        foreach (var f in children)
        {
            withProgram += f.VillagesWithProgram;
            atTarget += f.VillagesAtTarget;
            enrolled += f.WorkersEnrolled;
            target += f.WorkerTarget;
            allocated += f.BudgetAllocated;
            committed += f.BudgetCommitted;
            premiums += f.MonthlyPremiums;
            foreach (var (occupation, count) in f.Occupations) occupations[occupation] = occupations.GetValueOrDefault(occupation) + count;
            foreach (var (day, count) in f.EnrollmentsPerDay)
            {
                if (day >= firstDay) days[day] = days.GetValueOrDefault(day) + count;
            }
            foreach (var a in f.TopAgents)
            {
                agents[a.AgentId] = agents.TryGetValue(a.AgentId, out var seen)
                    ? seen with { Enrollments = seen.Enrollments + a.Enrollments, MonthlyPremiums = seen.MonthlyPremiums + a.MonthlyPremiums }
                    : a;
            }
            lagging.AddRange(f.MostLagging);
        }
        return new RegionFigures(withProgram, atTarget, enrolled, target, allocated, committed, premiums,
            occupations.ToImmutableSortedDictionary(StringComparer.Ordinal), days.ToImmutableSortedDictionary(),
            Top(agents.Values, options.TopAgents), MostLagging(lagging, options.LaggingKept));
    }

    /// <summary>Furthest behind first (most workers short), then the least progress, then by code.</summary>
    public static ImmutableArray<LaggingVillage> MostLagging(IEnumerable<LaggingVillage> villages, int keep) =>
        [.. villages
            .OrderByDescending(static v => v.Shortfall)
            .ThenBy(static v => (double)v.WorkersEnrolled / v.TargetWorkers)
            .ThenBy(static v => v.Code, StringComparer.Ordinal)
            .Take(keep)];

    private static ImmutableArray<AgentResult> Top(IEnumerable<AgentResult> agents, int keep) =>
        [.. agents
            .OrderByDescending(static a => a.Enrollments)
            .ThenByDescending(static a => a.MonthlyPremiums)
            .ThenBy(static a => a.AgentId, StringComparer.Ordinal)
            .Take(keep)];
}
