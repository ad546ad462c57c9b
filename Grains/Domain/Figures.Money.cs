using System.Collections.Immutable;

namespace Villages.Domain;

/// <summary>The money side of a village's figures: dues this month, arrears, memberships ended for them.</summary>
public static partial class Figures
{
    /// <summary>Each programme's statement and each block's first day in arrears, from the enrolments as they will stand: computed once per report.</summary>
    private static VillageMoney MoneyOf(VillageLedger ledger, List<Enrollment> projected)
    {
        var statements = ledger.Programmes.ToDictionary(static p => p.Key, p => ledger.DuesOf(p.Key, projected));
        var arrearsFrom = new DateOnly[projected.Count][];
        for (var j = 0; j < projected.Count; j++)
        {
            var blocks = projected[j].Blocks;
            var days = arrearsFrom[j] = new DateOnly[blocks.Length];
            for (var b = 0; b < blocks.Length; b++) days[b] = statements[blocks[b].Program].FirstDayInArrears(blocks[b]);
        }
        return new VillageMoney(statements, arrearsFrom);
    }

    /// <summary>
    /// A village's statements, and for each block of its projected enrolments (by position) the first
    /// day one of its months is in arrears: read once per report, not once per block and day.
    /// </summary>
    private sealed record VillageMoney(Dictionary<ProgramKey, ProgrammeDues> Statements, DateOnly[][] ArrearsFrom);

    /// <summary>A cohort's money on a day: this month's dues and payments, arrears, the workers they concern, terminations this year.</summary>
    private static CohortMoney MoneyOn(Cohort cohort, List<Enrollment> projected, VillageMoney money, DateOnly day)
    {
        var month = CoverageCalendar.MonthOf(day);
        long due = 0, paid = 0, arrears = 0;
        var months = 0;
        foreach (var (key, statement) in money.Statements)
        {
            if (key.Cohort != cohort) continue;
            if (statement.Month(month) is { } m) (due, paid) = (due + m.AmountDue, paid + m.AmountPaid);
            arrears += statement.AmountInArrearsOn(day);
            months = Math.Max(months, statement.InArrearsOn(day));
        }
        int workers = 0, terminated = 0;
        for (var j = 0; j < projected.Count; j++)
        {
            var blocks = projected[j].Blocks;
            for (var b = 0; b < blocks.Length; b++)
            {
                var block = blocks[b];
                if (block.Program.Cohort != cohort) continue;
                if (block is { Stop: BlockStop.Terminated, StoppedOn: { } ended } && ended.Year == day.Year && ended <= day) terminated++;
                if (arrears > 0 && block.Covers(day) && money.ArrearsFrom[j][b] <= day) workers++;
            }
        }
        if (due == 0 && paid == 0 && arrears == 0 && terminated == 0) return CohortMoney.Zero;
        return new CohortMoney
        {
            WorkersInArrears = workers, AmountDueThisMonth = due, AmountPaidThisMonth = paid, AmountInArrears = arrears,
            TerminatedThisYear = terminated, VillagesInArrears = arrears > 0 ? 1 : 0, MonthsInArrears = months,
        };
    }

    /// <summary>
    /// A village's money on every later day it changes: a month beginning, the day after a due date,
    /// a coverage starting or ending, a new year; only the days whose figures differ from the day before.
    /// </summary>
    private static ImmutableArray<DatedMoney> MoneyTimeline(List<Enrollment> projected, VillageMoney money, DateOnly today,
        SortedSet<DateOnly> coverageDays)
    {
        var days = new SortedSet<DateOnly>(coverageDays) { new DateOnly(today.Year + 1, 1, 1) };
        foreach (var statement in money.Statements.Values)
        {
            foreach (var m in statement.Months)
            {
                if (m.Month > today) days.Add(m.Month);
                if (m.DueDate >= today) days.Add(m.DueDate.AddDays(1));
            }
        }
        var timeline = ImmutableArray.CreateBuilder<DatedMoney>();
        var (workers, apparatus) = (MoneyOn(Cohort.Vulnerable, projected, money, today), MoneyOn(Cohort.Apparatus, projected, money, today));
        foreach (var day in days)
        {
            var (w, a) = (MoneyOn(Cohort.Vulnerable, projected, money, day), MoneyOn(Cohort.Apparatus, projected, money, day));
            if (w == workers && a == apparatus) continue;
            (workers, apparatus) = (w, a);
            timeline.Add(new DatedMoney(day, Share(w), Share(a)));
        }
        return timeline.ToImmutable();
    }

    private static CohortMoney Share(CohortMoney money) => money == CohortMoney.Zero ? CohortMoney.Zero : money;

    /// <summary>A village's entry in the arrears list, when it has arrears.</summary>
    private static ImmutableArray<VillageArrears> InArrears(string code, CohortMoney workers, CohortMoney apparatus) =>
        workers.AmountInArrears + apparatus.AmountInArrears > 0
            ? [new VillageArrears(code, workers.AmountInArrears + apparatus.AmountInArrears, Math.Max(workers.MonthsInArrears, apparatus.MonthsInArrears),
                workers.WorkersInArrears + apparatus.WorkersInArrears)]
            : [];

    /// <summary>The most in arrears first, then the most months, then by code.</summary>
    public static ImmutableArray<VillageArrears> MostInArrears(IEnumerable<VillageArrears> villages, int keep) =>
        [.. villages
            .OrderByDescending(static v => v.AmountInArrears)
            .ThenByDescending(static v => v.MonthsInArrears)
            .ThenBy(static v => v.Code, StringComparer.Ordinal)
            .Take(keep)];
}
