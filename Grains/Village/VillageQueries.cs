using Villages.Domain;
using Villages.Regions;

namespace Villages.Village;

/// <summary>The village's read side, as of a day: the village, lists, the audit trail, the export, coverage questions.</summary>
internal static class VillageQueries
{
    private static readonly EnrollmentOptions Unlimited = new() { MinimumAgeYears = 0, MaximumAgeYears = 200 };

    /// <summary>The village as shown: where it is, this year's programmes and money, its workers covered today, its status.</summary>
    public static VillageView View(Region village, VillageLedger ledger, DateOnly today, int defaultTarget, int endingWindowDays)
    {
        var district = village.Parent!;
        var regency = district.Parent!;
        var province = regency.Parent!;
        var thisYear = ledger.Programmes.Where(p => p.Key.Year == today.Year)
            .OrderBy(static p => p.Key.Cohort).ThenBy(static p => p.Key.Funder).Select(p => Programme(ledger, p, today)).ToList();
        var vulnerable = thisYear.Where(static p => p.Cohort == Cohort.Vulnerable).ToList();
        var covered = ledger.Enrollments.Select(e => (Enrollment: e, Block: e.CoveringOn(today))).Where(static c => c.Block is not null).ToList();
        return new VillageView
        {
            Code = village.Code, Name = village.Name, Kind = village.Kind!.Value,
            District = new RegionRef(district.Code, district.Name), Regency = new RegionRef(regency.Code, regency.Name),
            Province = new RegionRef(province.Code, province.Name),
            Program = vulnerable.FirstOrDefault(), Programs = thisYear, Year = today.Year,
            OtherPrograms = [.. ledger.Programmes.Where(p => p.Key.Year != today.Year)
                .OrderBy(static p => p.Key.Year).ThenBy(static p => p.Key.Cohort).ThenBy(static p => p.Key.Funder).Select(p => Programme(ledger, p, today))],
            ActiveEnrollments = covered.Count(static c => c.Block!.Program.Cohort == Cohort.Vulnerable),
            ApparatusCovered = covered.Count(static c => c.Block!.Program.Cohort == Cohort.Apparatus),
            TargetWorkers = vulnerable.Count > 0 ? vulnerable.Sum(static p => p.TargetWorkers) : defaultTarget,
            MonthlyPremiums = covered.Where(static c => c.Block!.Program.Cohort == Cohort.Vulnerable).Sum(static c => c.Block!.MonthlyPremium),
            Status = ledger.StatusOn(today),
            EndingWithin30Days = EndingWithin(ledger, today, endingWindowDays).Count(static e => e.Cohort == Cohort.Vulnerable),
        };
    }

    public static ProgramView Programme(VillageLedger ledger, Programme p, DateOnly today)
    {
        var dues = ledger.DuesOf(p.Key);
        return Terms(ledger, p, today) with
        {
            MonthsInArrears = dues.InArrearsOn(today), AmountInArrears = dues.AmountInArrearsOn(today),
            AmountDueThisMonth = dues.Month(CoverageCalendar.MonthOf(today))?.AmountDue ?? 0,
        };
    }

    private static ProgramView Terms(VillageLedger ledger, Programme p, DateOnly today) => new()
    {
        Year = p.Key.Year, Cohort = p.Key.Cohort, FundingSource = p.Key.Funder,
        TargetWorkers = p.Terms.TargetWorkers, BudgetAllocated = p.Terms.BudgetAllocated, BudgetCommitted = ledger.Committed(p.Key),
        BudgetRemaining = p.Terms.BudgetAllocated - ledger.Committed(p.Key), CoverageMonths = p.Terms.CoverageMonths,
        OpenedAt = p.OpenedAt, UpdatedAt = p.UpdatedAt,
        WorkersEnrolled = ledger.Enrollments.Count(e => e.Blocks.Any(b => b.Program == p.Key && b.End >= b.Start)),
        WorkersCovered = ledger.Enrollments.Count(e => e.CoveringOn(today)?.Program == p.Key),
    };

    public static EnrollmentPage List(VillageLedger ledger, DateOnly today, int offset, int limit)
    {
        var items = ledger.Enrollments
            .OrderBy(static e => e.EnrolledAt).ThenBy(static e => e.Id, StringComparer.Ordinal)
            .Skip(offset).Take(limit).Select(e => e.ToView(ledger.VillageCode, today)).ToList();
        return new EnrollmentPage(items, ledger.Count, offset, limit);
    }

    /// <summary>Workers whose coverage ends within the window (today included) and is not renewed: the ones to renew, soonest first.</summary>
    public static EnrollmentPage EndingSoon(VillageLedger ledger, DateOnly today, int windowDays, int offset, int limit)
    {
        var ending = EndingWithin(ledger, today, windowDays)
            .OrderBy(e => e.ChainEndFrom(today)).ThenBy(static e => e.Id, StringComparer.Ordinal).ToList();
        return new EnrollmentPage([.. ending.Skip(offset).Take(limit).Select(e => e.ToView(ledger.VillageCode, today))], ending.Count, offset, limit);
    }

    public static HistoryPage History(VillageLedger ledger, VillageProgramState header, int offset, int limit)
    {
        var programme = (header.History ?? []).Select(static c => HistoryEntry.Of(c));
        var workers = ledger.Enrollments.SelectMany(e => e.History.Select(c => HistoryEntry.Of(c, e.Id, Nik.Mask(e.Nik))));
        var all = programme.Concat(workers).OrderByDescending(static h => h.At).ToList();
        return new HistoryPage([.. all.Skip(offset).Take(limit)], all.Count, offset, limit);
    }

    /// <summary>The workers covered today, with their NIKs in full, for a BPJS collective registration.</summary>
    public static IReadOnlyList<EnrollmentExport> Export(VillageLedger ledger, DateOnly today) =>
        [.. ledger.Enrollments
            .Select(e => (Enrollment: e, Block: e.CoveringOn(today)))
            .Where(static c => c.Block is not null)
            .OrderBy(static c => c.Enrollment.EnrolledAt)
            .Select(c => ExportRow(c.Enrollment, c.Block!, today, null))];

    /// <summary>
    /// What changed since a moment, up to now, one row per worker with their latest change: enrolled,
    /// renewed, or their coverage ended (ran out at midnight, withdrawn, terminated for arrears).
    /// </summary>
    public static IReadOnlyList<EnrollmentExport> Changes(VillageLedger ledger, DateTimeOffset since, DateTimeOffset now)
    {
        var today = CoverageCalendar.LocalDate(now);
        var rows = new List<(DateTimeOffset At, EnrollmentExport Row)>();
        foreach (var e in ledger.Enrollments)
        {
            (DateTimeOffset At, ExportChange Change, CoverageBlock Block)? latest = null;
            void Consider(DateTimeOffset at, ExportChange change, CoverageBlock block)
            {
                if (at > since && at <= now && (latest is null || at >= latest.Value.At)) latest = (at, change, block);
            }
            foreach (var change in e.History)
            {
                if (change.Kind is ChangeKind.Enrolled) Consider(change.At, ExportChange.New, e.Blocks.LastOrDefault(b => CoverageCalendar.StartOf(b.Start) <= change.At) ?? e.Blocks[0]);
                else if (change.Kind is ChangeKind.Renewed) Consider(change.At, ExportChange.Renewed, e.Latest);
                else if (change.Kind is ChangeKind.Withdrawn or ChangeKind.Terminated) Consider(change.At, ExportChange.Ended, e.CurrentOn(CoverageCalendar.LocalDate(change.At)));
            }
            foreach (var block in e.Blocks)
            {
                if (block.End < block.Start || block.Stopped || e.Blocks.Any(next => next.Start == block.End.AddDays(1))) continue;
                Consider(CoverageCalendar.StartOf(block.End.AddDays(1)), ExportChange.Ended, block);
            }
            if (latest is { } l) rows.Add((l.At, ExportRow(e, l.Block, today, l.Change)));
        }
        return [.. rows.OrderBy(static r => r.At).Select(static r => r.Row)];
    }

    private static EnrollmentExport ExportRow(Enrollment e, CoverageBlock b, DateOnly today, ExportChange? change)
    {
        // The NIK was valid when enrolled; its facts are read back without today's age limits.
        Nik.TryValidate(e.Nik, today, Unlimited, out var facts, out _);
        return new EnrollmentExport
        {
            EnrollmentId = e.Id, Nik = e.Nik, Name = e.Name, BirthDate = facts.BirthDate, Female = facts.Sex == Sex.Female,
            Occupation = e.Occupation, MonthlyIncome = e.MonthlyIncome, Programs = e.Programs, MonthlyPremium = b.MonthlyPremium,
            CoverageMonths = b.Months, CoverageStart = b.Start, CoverageEnd = b.End, EnrolledAt = e.EnrolledAt,
            AgentId = e.AgentId, FundingSource = b.Program.Funder, Kpj = e.Kpj, Change = change,
        };
    }

    /// <summary>Whether this village covered the worker on a day, and how; null when it never enrolled them.</summary>
    public static CoverageAnswer? CoverageOn(VillageLedger ledger, string villageCode, string nikKey, DateOnly day)
    {
        if (ledger.FindByNikKey(nikKey) is not { } e) return null;
        var block = e.CoveringOn(day);
        var answer = new CoverageAnswer { Covered = block is not null, Date = day, MaskedNik = Nik.Mask(e.Nik) };
        return block is null ? answer : answer with
        {
            VillageCode = villageCode, EnrollmentId = e.Id, Year = block.Program.Year, FundingSource = block.Program.Funder,
            Cohort = block.Program.Cohort, CoverageStart = block.Start, CoverageEnd = e.ChainEndFrom(day) ?? block.End,
            Programs = ProgramNames.Of(e.Programs), Status = block.StatusOn(day),
            MaskedKpj = e.Kpj is null ? null : Kpj.Mask(e.Kpj), Bpjs = e.Registration,
        };
    }

    /// <summary>A programme's months, payments and arrears, on a day.</summary>
    public static DuesView Dues(VillageLedger ledger, ProgramKey key, DateOnly today)
    {
        var statement = ledger.DuesOf(key);
        var programme = ledger.Programme(key)!;
        return new DuesView
        {
            Year = key.Year, FundingSource = key.Funder, Cohort = key.Cohort, Prepaid = programme.Prepaid,
            Months = [.. statement.Months.Select(m => new MonthDueView
            {
                Month = Month(m.Month), DueDate = m.DueDate, AmountDue = m.AmountDue, AmountPaid = m.AmountPaid, Status = m.StatusOn(today),
                Overpaid = m.Overpaid, Workers = m.Workers, PaidOn = m.PaidOn,
            })],
            InArrears = statement.InArrearsOn(today), AmountInArrears = statement.AmountInArrearsOn(today),
            AmountDue = statement.Months.Sum(static m => m.AmountDue), AmountPaid = statement.Months.Sum(static m => m.AmountPaid),
            Overpaid = statement.Months.Sum(static m => m.Overpaid), Payments = [.. programme.Payments.Select(Payment)],
            MonthsInArrearsAllowed = ledger.Dues.MonthsInArrearsAllowed,
        };
    }

    public static PaymentView Payment(Payment p) => new()
    {
        Reference = p.Reference, PaidOn = p.PaidOn, Months = [.. p.Months.Select(Month)], Amount = p.Amount, RecordedAt = p.RecordedAt,
        Expected = p.Expected, Difference = p.Amount - p.Expected,
    };

    private static string Month(DateOnly month) => month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<Enrollment> EndingWithin(VillageLedger ledger, DateOnly today, int windowDays)
    {
        var last = today.AddDays(windowDays - 1);
        return ledger.Enrollments.Where(e => e.ChainEndFrom(today) is { } end && end <= last);
    }
}
