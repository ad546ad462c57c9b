using System.Collections.Immutable;

namespace Villages.Domain;

/// <summary>One month of a programme: what its workers' contributions make due, by when, and what was paid for it.</summary>
public sealed record MonthDues(DateOnly Month, DateOnly DueDate, long AmountDue, int Workers, long AmountPaid, DateOnly? PaidOn)
{
    public long Outstanding => Math.Max(AmountDue - AmountPaid, 0);

    public long Overpaid => Math.Max(AmountPaid - AmountDue, 0);

    /// <summary>Its due date passed without full payment.</summary>
    public bool InArrearsOn(DateOnly day) => day > DueDate && AmountPaid < AmountDue;

    public MonthStatus StatusOn(DateOnly day) =>
        AmountPaid > 0 && AmountPaid >= AmountDue ? MonthStatus.Paid
        : AmountPaid > 0 ? MonthStatus.Partial
        : day > DueDate ? MonthStatus.Late
        : day >= Month ? MonthStatus.Due
        : MonthStatus.Upcoming;
}

/// <summary>
/// A programme's dues month by month: each month's contributions of the blocks that owe it, and the
/// payments spread over the months they name, in the order recorded (each month up to what it
/// owes; what is left over stays on the last month named, shown as overpaid). Pure: the ledger and
/// the figures compute it from blocks and payments whenever they need it.
/// </summary>
public sealed class ProgrammeDues
{
    private ProgrammeDues(ProgramKey program, ImmutableArray<MonthDues> months) => (Program, Months) = (program, months);

    public ProgramKey Program { get; }

    /// <summary>Months with something due or paid, oldest first.</summary>
    public ImmutableArray<MonthDues> Months { get; }

    public MonthDues? Month(DateOnly month)
    {
        foreach (var m in Months) if (m.Month == month) return m;
        return null;
    }

    // Loops, not LINQ: the figures ask these for every day a village's money may change, at every write.
    public int InArrearsOn(DateOnly day)
    {
        var count = 0;
        foreach (var m in Months) if (m.InArrearsOn(day)) count++;
        return count;
    }

    public long AmountInArrearsOn(DateOnly day)
    {
        long amount = 0;
        foreach (var m in Months) if (m.InArrearsOn(day)) amount += m.Outstanding;
        return amount;
    }

    /// <summary>The first day on which one of a block's months is in arrears (<see cref="DateOnly.MaxValue"/>: none, as the statement stands).</summary>
    public DateOnly FirstDayInArrears(CoverageBlock block)
    {
        var (first, last) = (block.FirstMonth, block.LastPaidMonth);
        foreach (var m in Months) // oldest first: the first unpaid month of the range is the earliest due date
        {
            if (m.Month >= first && m.Month <= last && m.AmountPaid < m.AmountDue) return m.DueDate.AddDays(1);
        }
        return DateOnly.MaxValue;
    }

    /// <summary>The months owed by a block (its range, whatever stopped it since) that are in arrears on a day.</summary>
    public int CountInArrears(CoverageBlock block, DateOnly day)
    {
        var count = 0;
        foreach (var m in Months)
        {
            if (m.Month >= block.FirstMonth && m.Month <= block.LastPaidMonth && m.InArrearsOn(day)) count++;
        }
        return count;
    }

    /// <summary>
    /// The statement of a programme from the blocks that pay into it and its payments; with
    /// <paramref name="recordedBefore"/>, only the payments the ledger knew of before that day.
    /// </summary>
    public static ProgrammeDues Of(Programme programme, IEnumerable<CoverageBlock> blocks, DueCalendar calendar, DateOnly? recordedBefore = null)
    {
        var due = new Dictionary<DateOnly, (long Amount, int Workers)>();
        // Workers enrolled together owe the same months: a run of blocks with one range is added to each month once.
        var (range, runAmount, runWorkers) = (default(MonthRange), 0L, 0);
        foreach (var block in blocks)
        {
            var owed = block.DueMonths();
            if (owed != range)
            {
                AddRun(due, range, runAmount, runWorkers);
                (range, runAmount, runWorkers) = (owed, 0, 0);
            }
            (runAmount, runWorkers) = (runAmount + block.MonthlyPremium, runWorkers + 1);
        }
        AddRun(due, range, runAmount, runWorkers);
        var paid = new Dictionary<DateOnly, (long Amount, DateOnly PaidOn)>();
        if (programme.Prepaid)
        {
            foreach (var (month, d) in due) paid[month] = (d.Amount, default);
        }
        else
        {
            foreach (var payment in programme.Payments)
            {
                if (recordedBefore is { } before && payment.RecordedOn >= before) continue;
                Spread(payment, due, paid);
            }
        }
        var keys = new List<DateOnly>(due.Count + paid.Count);
        keys.AddRange(due.Keys);
        foreach (var month in paid.Keys) if (!due.ContainsKey(month)) keys.Add(month);
        keys.Sort();
        var months = ImmutableArray.CreateBuilder<MonthDues>(keys.Count);
        foreach (var month in keys)
        {
            var (amount, workers) = due.GetValueOrDefault(month);
            var (paidAmount, paidOn) = paid.GetValueOrDefault(month);
            months.Add(new MonthDues(month, calendar.DueDate(month), amount, workers, paidAmount, paidOn == default ? null : paidOn));
        }
        return new ProgrammeDues(programme.Key, months.MoveToImmutable());
    }

    private static void AddRun(Dictionary<DateOnly, (long Amount, int Workers)> due, MonthRange range, long amount, int workers)
    {
        if (workers == 0) return;
        foreach (var month in range)
        {
            var (already, counted) = due.GetValueOrDefault(month);
            due[month] = (already + amount, counted + workers);
        }
    }

    private static void Spread(Payment payment, Dictionary<DateOnly, (long Amount, int Workers)> due, Dictionary<DateOnly, (long Amount, DateOnly PaidOn)> paid)
    {
        var left = payment.Amount;
        foreach (var month in payment.Months)
        {
            var (already, lastPaid) = paid.GetValueOrDefault(month);
            var take = Math.Min(left, Math.Max(due.GetValueOrDefault(month).Amount - already, 0));
            if (take == 0) continue;
            paid[month] = (already + take, Later(lastPaid, payment.PaidOn));
            left -= take;
        }
        if (left > 0)
        {
            var last = payment.Months[^1];
            var (already, lastPaid) = paid.GetValueOrDefault(last);
            paid[last] = (already + left, Later(lastPaid, payment.PaidOn));
        }
    }

    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;
}

/// <summary>
/// Termination for arrears (berakhir kepesertaan): once more months than allowed are in arrears
/// on a worker's block, their membership ends at the WIB midnight after the due date that made
/// it so. Judged with what the ledger knew before that midnight, so a payment recorded later
/// never undoes it (a BPJS branch reinstates instead), and the same day comes out whenever it is
/// computed: the village need not be awake at midnight.
/// </summary>
public static class Arrears
{
    /// <summary>
    /// For each of the programme's blocks (by position), the day it ends for arrears (past, or to come
    /// if nothing more is paid); default for a block that does not.
    /// </summary>
    public static DateOnly[] Terminations(
        Programme programme, IReadOnlyList<(Enrollment Enrollment, int Index)> blocks, DueCalendar calendar, int monthsAllowed)
    {
        var endedOn = new DateOnly[blocks.Count];
        if (programme.Prepaid) return endedOn;
        // Positions in blocks, and the day each ended (default: running): plain arrays, as every write of the village runs this.
        var running = new List<int>(blocks.Count);
        for (var k = 0; k < blocks.Count; k++)
        {
            if (blocks[k].Enrollment.Blocks[blocks[k].Index] is { Stop: BlockStop.None } block && block.End >= block.Start) running.Add(k);
        }
        if (running.Count == 0) return endedOn;
        var months = new HashSet<DateOnly>();
        var last = default(MonthRange);
        foreach (var (e, i) in blocks)
        {
            var range = e.Blocks[i].DueMonths();
            if (range == last) continue; // workers enrolled together: the same months again
            last = range;
            foreach (var month in range) months.Add(month);
        }
        if (months.Count <= monthsAllowed) return endedOn; // never that many months owed: nothing can end
        var checks = new DateOnly[months.Count]; // the midnight after each due date (one a month: due dates fall in their month)
        var c = 0;
        foreach (var month in months) checks[c++] = calendar.DueDate(month).AddDays(1);
        Array.Sort(checks);
        var endedCount = 0;
        // The statement changes only when a payment recorded before the day joins it or a block ends:
        // between two such days it is the same, so it is built a few times a year, not once a check.
        ProgrammeDues? statement = null;
        var (payments, endings) = (-1, -1);
        foreach (var day in checks)
        {
            var recorded = RecordedBefore(programme, day);
            if (statement is null || recorded != payments || endedCount != endings)
            {
                statement = ProgrammeDues.Of(programme, Current(blocks, endedOn), calendar, recordedBefore: day);
                (payments, endings) = (recorded, endedCount);
            }
            if (statement.InArrearsOn(day) <= monthsAllowed) continue;
            foreach (var k in running)
            {
                if (endedOn[k] != default) continue;
                var block = blocks[k].Enrollment.Blocks[blocks[k].Index];
                if (block.Start >= day || block.PaidEnd < day) continue; // not running that midnight
                if (block.ReinstatedOn is { } reinstated && reinstated >= day) continue;
                if (statement.CountInArrears(block, day) > monthsAllowed) (endedOn[k], endedCount) = (day, endedCount + 1);
            }
            if (endedCount == running.Count) break; // nothing left to end
        }
        return endedOn;
    }

    /// <summary>The block as it stands once ended on a day.</summary>
    public static CoverageBlock EndedOn(CoverageBlock block, DateOnly day) => block with { Stop = BlockStop.Terminated, StoppedOn = day };

    private static int RecordedBefore(Programme programme, DateOnly day)
    {
        var count = 0;
        foreach (var payment in programme.Payments) if (payment.RecordedOn < day) count++;
        return count;
    }

    private static IEnumerable<CoverageBlock> Current(IReadOnlyList<(Enrollment Enrollment, int Index)> blocks, DateOnly[] endedOn)
    {
        for (var k = 0; k < blocks.Count; k++)
        {
            var block = blocks[k].Enrollment.Blocks[blocks[k].Index];
            yield return endedOn[k] == default ? block : EndedOn(block, endedOn[k]);
        }
    }
}
