using System.Collections.Immutable;

namespace Villages.Domain;

/// <summary>What an accepted change to one worker will do, decided before anything is awaited.</summary>
/// <param name="Deltas">What it adds to (or returns to) each programme's committed budget.</param>
/// <param name="NeedsClaim">A new period for a worker this village does not hold now: the national registry must grant them first.</param>
public sealed record EnrollmentChange(
    EnrollmentResult Result, Enrollment? Before, Enrollment After, ImmutableDictionary<ProgramKey, long> Deltas, bool NeedsClaim)
{
    public bool ChangesState => Result != EnrollmentResult.Unchanged;

    public long BudgetDelta => Deltas.Values.Sum();
}

/// <summary>A withdrawal: the months not yet begun return to their programmes' budgets.</summary>
public sealed record Withdrawal(Enrollment Before, Enrollment After, long Refund, int MonthsRefunded);

/// <summary>
/// A village's programmes (one per budget year, cohort and funder) and its workers' blocks of
/// coverage, with the budget arithmetic, free of Orleans: the grain plans a change, reserves its
/// money, awaits the registry and storage, then applies it. Every rule that depends on the date
/// takes today's date (WIB) from the caller. Invariant: for every programme, committed + reserved
/// never exceeds its allocated budget.
/// </summary>
public sealed partial class VillageLedger
{
    private readonly Dictionary<ProgramKey, Programme> _programmes = [];
    private readonly Dictionary<ProgramKey, long> _committed = [];
    private readonly Dictionary<ProgramKey, long> _reserved = [];
    private readonly Dictionary<string, Enrollment> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Enrollment> _byNikKey = new(StringComparer.Ordinal);
    // Days come from the audit trail, which only grows: a worker who returns adds a day, never moves one.
    private readonly Dictionary<DateOnly, int> _enrolledPerDay = [];

    public VillageLedger(string villageCode, IEnumerable<Programme> programmes, IEnumerable<Enrollment> enrollments, DuesRules? dues = null)
    {
        VillageCode = villageCode;
        Dues = dues ?? DuesRules.Default;
        foreach (var programme in programmes) _programmes[programme.Key] = programme;
        foreach (var enrollment in enrollments) Put(enrollment);
    }

    public string VillageCode { get; }

    public IReadOnlyCollection<Programme> Programmes => _programmes.Values;

    public Programme? Programme(ProgramKey key) => _programmes.GetValueOrDefault(key);

    /// <summary>A year's programmes of a cohort, funders in code order.</summary>
    public IReadOnlyList<Programme> ProgrammesOf(int year, Cohort cohort = Cohort.Vulnerable)
    {
        // Read at every write's report: loops and one small array, not a LINQ sort (a village has one or two).
        var count = 0;
        foreach (var p in _programmes.Values) if (p.Key.Year == year && p.Key.Cohort == cohort) count++;
        if (count == 0) return [];
        var found = new Programme[count];
        var i = 0;
        foreach (var p in _programmes.Values) if (p.Key.Year == year && p.Key.Cohort == cohort) found[i++] = p;
        if (count > 1) Array.Sort(found, static (a, b) => a.Key.Funder.CompareTo(b.Key.Funder)); // one programme per funder
        return found;
    }

    /// <summary>Money spent or prepaid by durable enrolments, in one programme.</summary>
    public long Committed(ProgramKey key) => _committed.GetValueOrDefault(key);

    /// <summary>Money held for changes still in flight, in one programme.</summary>
    public long Reserved(ProgramKey key) => _reserved.GetValueOrDefault(key);

    /// <summary>Money spent or prepaid in every programme.</summary>
    public long CommittedTotal => _committed.Values.Sum();

    public long Available(ProgramKey key) =>
        _programmes.TryGetValue(key, out var p) ? p.Terms.BudgetAllocated - Committed(key) - _reserved.GetValueOrDefault(key) : 0;

    public int Count => _byId.Count;

    public IEnumerable<Enrollment> Enrollments => _byId.Values;

    /// <summary>Enrolments and renewals by the day (WIB) they were made.</summary>
    public IReadOnlyDictionary<DateOnly, int> EnrolledPerDay => _enrolledPerDay;

    public Enrollment? Find(string id) => _byId.GetValueOrDefault(id);

    public Enrollment? FindByNikKey(string nikKey) => _byNikKey.GetValueOrDefault(nikKey);

    /// <summary>Whether the worker is this village's from today on: covered today, or by a renewal not yet begun.</summary>
    public bool HoldsWorker(string nikKey, DateOnly today) => _byNikKey.TryGetValue(nikKey, out var e) && e.HoldsOn(today);

    /// <summary>Workers of a cohort covered on a day.</summary>
    public int CoveredOn(DateOnly day, Cohort cohort = Cohort.Vulnerable) =>
        _byId.Values.Count(e => e.Cohort == cohort && e.CoveringOn(day) is not null);

    /// <summary>Whether the village has started this year and reached this year's target today.</summary>
    public VillageStatus StatusOn(DateOnly today)
    {
        var target = ProgrammesOf(today.Year).Sum(static p => p.Terms.TargetWorkers);
        if (target == 0) return VillageStatus.NotStarted;
        return CoveredOn(today) >= target ? VillageStatus.AtTarget : VillageStatus.Active;
    }

    /// <summary>Opens or changes a programme; money in flight counts as committed so it can land.</summary>
    public Failure? CheckProgram(ProgramKey key, ProgramTerms terms, ProgramRules rules, VillageKind kind) =>
        rules.Check(key, terms, kind, Committed(key) + _reserved.GetValueOrDefault(key));

    public void Apply(Programme programme)
    {
        _programmes[programme.Key] = programme;
        _ending = null;
    }

    /// <summary>
    /// Plans an enrolment call into a programme. A worker this village holds (covered today or by a
    /// renewal to come) has their data corrected: unchanged, re-priced or updated. Anyone else (new,
    /// or back after their coverage ended or was withdrawn) gets a new block of coverage from today.
    /// </summary>
    /// <param name="explicitProgramme">The caller named the year, funder or cohort, so a worker covered by another programme is a conflict.</param>
    public bool TryPlan(ValidEnrollment request, ProgramKey program, bool explicitProgramme, string id, string nikKey, DateTimeOffset now, Actor actor,
        out EnrollmentChange change, out Failure failure)
    {
        change = null!;
        failure = null!;
        var today = CoverageCalendar.LocalDate(now);
        var before = Find(id);
        if (before is not null && before.HoldsOn(today))
        {
            var holding = before.CurrentOn(today);
            if (holding.Program.Cohort != program.Cohort || (explicitProgramme && holding.Program != program))
            {
                failure = new Failure(FailureCode.AlreadyCovered,
                    $"This worker is covered here already, by the {holding.Program} programme until {before.ChainEndFrom(today) ?? holding.End:yyyy-MM-dd}; renew them into another year instead.",
                    "fundingSource");
                return false;
            }
            return TryCorrect(before, request, today, now, actor, out change, out failure);
        }
        var programme = _programmes[program];
        var block = NewBlock(before, program, today, programme.Terms.CoverageMonths, request.Quote.Monthly);
        var after = before is null
            ? new Enrollment
            {
                Id = id, NikKey = nikKey, Nik = request.Nik, Name = request.Name, Occupation = request.Occupation,
                MonthlyIncome = request.MonthlyIncome, Programs = request.Programs, EnrolledAt = now, UpdatedAt = now,
                AgentId = request.AgentId, Blocks = [block],
            }
            : before with
            {
                Name = request.Name, Occupation = request.Occupation, MonthlyIncome = request.MonthlyIncome, Programs = request.Programs,
                AgentId = request.AgentId ?? before.AgentId, UpdatedAt = now, WithdrawnAt = null, Blocks = before.Blocks.Add(block),
            };
        after = after with
        {
            History = after.History.Add(ChangeNotes.Make(actor, now, ChangeKind.Enrolled, block.Commitment, ChangeNotes.Enrolled(after))),
        };
        return TryChange(EnrollmentResult.Created, before, after, ImmutableDictionary<ProgramKey, long>.Empty.Add(program, block.Commitment),
            needsClaim: true, out change, out failure);
    }

    /// <summary>
    /// Plans renewing a worker's coverage into a programme of a later year: a new block from the day
    /// after the last one ends, or from today when it ended before. Refused for a withdrawn or
    /// terminated worker (they enrol again instead); nothing to do for one renewed already.
    /// </summary>
    public RenewalResult PlanRenewal(Enrollment enrollment, ProgramKey program, long monthlyPremium, DateTimeOffset now, Actor actor,
        out EnrollmentChange change, out Failure failure)
    {
        change = null!;
        failure = null!;
        var today = CoverageCalendar.LocalDate(now);
        var latest = enrollment.Latest;
        if (latest.Program.Year >= program.Year) return RenewalResult.AlreadyRenewed;
        if (latest.Stopped)
        {
            failure = new Failure(FailureCode.InvalidEnrollment, latest.Stop == BlockStop.Terminated
                ? "This worker's membership was terminated for arrears: they must register again (enrol them)."
                : "This worker was withdrawn: enrol them again instead of renewing.");
            return RenewalResult.Refused;
        }
        var start = latest.End.AddDays(1) >= today ? latest.End.AddDays(1) : today;
        var programme = _programmes[program];
        var block = new CoverageBlock
        {
            Program = program, Start = start, FirstMonth = CoverageCalendar.MonthOf(start), Months = programme.Terms.CoverageMonths,
            MonthlyPremium = monthlyPremium,
        };
        var after = enrollment with { Blocks = enrollment.Blocks.Add(block), UpdatedAt = now };
        after = after with { History = after.History.Add(ChangeNotes.Make(actor, now, ChangeKind.Renewed, block.Commitment, ChangeNotes.Renewed(block))) };
        if (!TryChange(EnrollmentResult.Updated, enrollment, after, ImmutableDictionary<ProgramKey, long>.Empty.Add(program, block.Commitment),
                needsClaim: !enrollment.HoldsOn(today), out change, out failure))
        {
            return RenewalResult.OverBudget;
        }
        return RenewalResult.Renewed;
    }

    public void Reserve(EnrollmentChange change)
    {
        foreach (var (key, delta) in change.Deltas) if (delta > 0) _reserved[key] = _reserved.GetValueOrDefault(key) + delta;
    }

    public void CancelReservation(EnrollmentChange change)
    {
        foreach (var (key, delta) in change.Deltas) if (delta > 0) _reserved[key] -= delta;
    }

    /// <summary>Makes a reserved change part of the ledger (the caller then persists it).</summary>
    public void Apply(EnrollmentChange change)
    {
        CancelReservation(change);
        Put(change.After);
    }

    /// <summary>
    /// Plans a withdrawal on a day: the block covering it stops (the worker is covered until the day
    /// before), its months not yet begun return to the budget, and a renewal not yet begun returns
    /// whole. False when the village does not hold the worker any more (withdrawn, ended, terminated).
    /// </summary>
    public bool TryPlanWithdrawal(string id, DateTimeOffset now, Actor actor, out Withdrawal withdrawal)
    {
        withdrawal = null!;
        var today = CoverageCalendar.LocalDate(now);
        if (Find(id) is not { } before || !before.HoldsOn(today)) return false;
        var refunded = 0;
        long refund = 0;
        var blocks = before.Blocks.Select(block =>
        {
            if (!block.RunsOnOrAfter(today)) return block;
            var notBegun = block.Start > today ? block.Months : block.Months - CoverageCalendar.MonthsBegun(block.FirstMonth, block.Months, today);
            if (!Dues.RefundUnbegunMonths) notBegun = 0; // the agreement with the branch keeps prepaid months
            refunded += notBegun;
            refund += notBegun * block.MonthlyPremium;
            return block with { Stop = BlockStop.Withdrawn, StoppedOn = block.Start > today ? block.Start : today, MonthsRefunded = notBegun };
        }).ToImmutableArray();
        var after = before with { Blocks = blocks, WithdrawnAt = now, UpdatedAt = now };
        after = after with { History = after.History.Add(ChangeNotes.Make(actor, now, ChangeKind.Withdrawn, -refund, ChangeNotes.Withdrawn(refunded, refund))) };
        withdrawal = new Withdrawal(before, after, refund, refunded);
        return true;
    }

    public void Apply(Withdrawal withdrawal) => Put(withdrawal.After);

    /// <summary>A correction of a held worker's data; a changed income or programme set re-prices their blocks still running.</summary>
    private bool TryCorrect(Enrollment before, ValidEnrollment request, DateOnly today, DateTimeOffset now, Actor actor, out EnrollmentChange change, out Failure failure)
    {
        var repriced = before.MonthlyIncome != request.MonthlyIncome || before.Programs != request.Programs;
        var agent = request.AgentId ?? before.AgentId;
        var edited = before.Name != request.Name || before.Occupation != request.Occupation || before.AgentId != agent;
        if (!repriced && !edited)
        {
            change = new EnrollmentChange(EnrollmentResult.Unchanged, before, before, ImmutableDictionary<ProgramKey, long>.Empty, NeedsClaim: false);
            failure = null!;
            return true;
        }
        var deltas = ImmutableDictionary<ProgramKey, long>.Empty;
        var blocks = before.Blocks.Select(block =>
        {
            if (!repriced || !block.RunsOnOrAfter(today) || block.MonthlyPremium == request.Quote.Monthly) return block;
            var after = block with { MonthlyPremium = request.Quote.Monthly };
            deltas = deltas.SetItem(block.Program, deltas.GetValueOrDefault(block.Program) + after.Commitment - block.Commitment);
            return after;
        }).ToImmutableArray();
        var updated = before with
        {
            Name = request.Name, Occupation = request.Occupation, AgentId = agent, MonthlyIncome = request.MonthlyIncome,
            Programs = request.Programs, UpdatedAt = now, Blocks = blocks,
        };
        updated = updated with
        {
            History = before.History.Add(ChangeNotes.Make(actor, now, repriced ? ChangeKind.Repriced : ChangeKind.Updated,
                updated.Commitment - before.Commitment, ChangeNotes.Edited(before, updated))),
        };
        return TryChange(repriced ? EnrollmentResult.Repriced : EnrollmentResult.Updated, before, updated, deltas, needsClaim: false, out change, out failure);
    }

    /// <summary>A new block from today: its first paid month is this one, or the next when a stopped block paid this one already.</summary>
    private static CoverageBlock NewBlock(Enrollment? before, ProgramKey program, DateOnly today, int months, long monthlyPremium)
    {
        var firstMonth = CoverageCalendar.MonthOf(today);
        if (before is not null)
        {
            var paidThrough = before.Blocks.Max(static b => CoverageCalendar.End(b.FirstMonth, b.Months - b.MonthsRefunded));
            if (paidThrough >= firstMonth) firstMonth = CoverageCalendar.MonthOf(paidThrough.AddDays(1));
        }
        return new CoverageBlock
        {
            Program = program, Start = today, FirstMonth = firstMonth, Months = months, MonthlyPremium = monthlyPremium,
        };
    }

    private bool TryChange(EnrollmentResult result, Enrollment? before, Enrollment after, ImmutableDictionary<ProgramKey, long> deltas, bool needsClaim,
        out EnrollmentChange change, out Failure failure)
    {
        change = null!;
        failure = null!;
        foreach (var (key, delta) in deltas)
        {
            var available = Math.Max(Available(key), 0);
            if (delta > available)
            {
                failure = new Failure(FailureCode.BudgetExceeded,
                    $"The budget left in the {key} programme ({Rupiah.Format(available)}) does not cover this ({Rupiah.Format(delta)}).",
                    Needed: delta, Remaining: available);
                return false;
            }
        }
        change = new EnrollmentChange(result, before, after, deltas, needsClaim);
        return true;
    }

    private void Put(Enrollment enrollment)
    {
        _ending = null;
        if (_byId.TryGetValue(enrollment.Id, out var old)) Tally(old, -1);
        _byId[enrollment.Id] = enrollment;
        _byNikKey[enrollment.NikKey] = enrollment;
        Tally(enrollment, +1);
    }

    private void Tally(Enrollment e, int sign)
    {
        foreach (var block in e.Blocks) _committed[block.Program] = _committed.GetValueOrDefault(block.Program) + sign * block.Commitment;
        if (e.SettledEarlier != 0) _committed[e.Blocks[0].Program] += sign * e.SettledEarlier;
        foreach (var change in e.History)
        {
            if (change.Kind is ChangeKind.Enrolled or ChangeKind.Renewed) Add(_enrolledPerDay, CoverageCalendar.LocalDate(change.At), sign);
        }
    }

    private static void Add<TKey>(Dictionary<TKey, int> counts, TKey key, int sign) where TKey : notnull
    {
        var count = counts.GetValueOrDefault(key) + sign;
        if (count == 0) counts.Remove(key);
        else counts[key] = count;
    }
}
