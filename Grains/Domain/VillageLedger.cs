namespace Villages.Domain;

/// <summary>What an accepted enrolment call will change, decided before anything is awaited.</summary>
public sealed record EnrollmentChange(EnrollmentResult Result, Enrollment? Before, Enrollment After, long BudgetDelta)
{
    /// <summary>A worker who is not active here yet must first be claimed in the national registry.</summary>
    public bool NeedsClaim => Before is not { IsActive: true };

    public bool ChangesState => Result != EnrollmentResult.Unchanged;
}

/// <summary>A withdrawal: the months not yet begun return to the budget.</summary>
public sealed record Withdrawal(Enrollment Before, Enrollment After, long Refund, int MonthsRefunded);

/// <summary>
/// A village's programme and enrolments with the budget arithmetic, free of Orleans: the grain
/// plans a change, reserves its money, awaits the registry and storage, then applies it.
/// Invariant: Committed + Reserved never exceeds the allocated budget.
/// </summary>
public sealed class VillageLedger
{
    private readonly Dictionary<string, Enrollment> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Enrollment> _byNikKey = new(StringComparer.Ordinal);
    // Kept as the ledger changes, so the figures reported upward cost nothing to assemble.
    private readonly Dictionary<string, int> _occupations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Enrollments, long MonthlyPremiums)> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<DateOnly, int> _enrolledPerDay = [];

    public VillageLedger(string villageCode, ProgramTerms? program, IEnumerable<Enrollment> enrollments)
    {
        VillageCode = villageCode;
        Program = program;
        foreach (var enrollment in enrollments) Put(enrollment);
    }

    public string VillageCode { get; }
    public ProgramTerms? Program { get; private set; }
    /// <summary>Money spent or prepaid by durable enrolments.</summary>
    public long Committed { get; private set; }
    /// <summary>Money held for enrolments still in flight.</summary>
    public long Reserved { get; private set; }
    public int ActiveCount { get; private set; }
    public long MonthlyPremiums { get; private set; }
    public int Count => _byId.Count;

    public long Available => Program is null ? 0 : Program.BudgetAllocated - Committed - Reserved;

    public IEnumerable<Enrollment> Enrollments => _byId.Values;

    /// <summary>Active enrolments by occupation.</summary>
    public IReadOnlyDictionary<string, int> Occupations => _occupations;

    /// <summary>Active enrolments and their monthly premiums by PERISAI agent.</summary>
    public IReadOnlyDictionary<string, (int Enrollments, long MonthlyPremiums)> Agents => _agents;

    /// <summary>Enrolments by the day (WIB) they were made, withdrawn ones and returns included.</summary>
    public IReadOnlyDictionary<DateOnly, int> EnrolledPerDay => _enrolledPerDay;

    public Enrollment? Find(string id) => _byId.GetValueOrDefault(id);

    public bool HoldsWorker(string nikKey) => _byNikKey.TryGetValue(nikKey, out var e) && e.IsActive;

    public VillageStatus Status => Program is null ? VillageStatus.NotStarted
        : ActiveCount >= Program.TargetWorkers ? VillageStatus.AtTarget : VillageStatus.Active;

    /// <summary>Opens or changes the programme; money in flight counts as committed so it can land.</summary>
    public Failure? ChangeProgram(ProgramTerms terms, ProgramRules rules, VillageKind kind)
    {
        var failure = rules.Check(terms, kind, Committed + Reserved);
        if (failure is null) Program = terms;
        return failure;
    }

    public bool TryPlan(ValidEnrollment request, string id, string nikKey, DateTimeOffset now, Actor actor, out EnrollmentChange change, out Failure failure)
    {
        change = null!;
        failure = null!;
        if (Program is null)
        {
            failure = new Failure(FailureCode.ProgramNotOpen, $"Village {VillageCode} has not opened a programme yet: PUT its program first.");
            return false;
        }
        var before = Find(id);
        Enrollment after;
        EnrollmentResult result;
        if (before is { IsActive: true })
        {
            var repriced = before.MonthlyIncome != request.MonthlyIncome || before.Programs != request.Programs;
            var agent = request.AgentId ?? before.AgentId;
            var edited = before.Name != request.Name || before.Occupation != request.Occupation || before.AgentId != agent;
            if (!repriced && !edited)
            {
                change = new EnrollmentChange(EnrollmentResult.Unchanged, before, before, 0);
                return true;
            }
            result = repriced ? EnrollmentResult.Repriced : EnrollmentResult.Updated;
            after = before with
            {
                Name = request.Name, Occupation = request.Occupation, AgentId = agent,
                MonthlyIncome = request.MonthlyIncome, Programs = request.Programs,
                MonthlyPremium = request.Quote.Monthly, UpdatedAt = now,
            };
            after = after with
            {
                History = before.History.Add(ChangeNotes.Make(actor, now, repriced ? ChangeKind.Repriced : ChangeKind.Updated,
                    after.Commitment - before.Commitment, ChangeNotes.Edited(before, after))),
            };
        }
        else
        {
            // New here, or back after a withdrawal: a fresh block of coverage from this month, or from
            // the first month the withdrawn block did not already pay for.
            result = EnrollmentResult.Created;
            var start = CoverageCalendar.MonthOf(now);
            if (before?.WithdrawnAt is { } withdrawnAt)
            {
                var paidUntil = before.CoverageStart.AddMonths(CoverageCalendar.MonthsBegun(before.CoverageStart, before.CoverageMonths, withdrawnAt));
                if (paidUntil > start) start = paidUntil;
            }
            after = new Enrollment
            {
                Id = id, NikKey = nikKey, Nik = request.Nik, Name = request.Name, Occupation = request.Occupation,
                MonthlyIncome = request.MonthlyIncome, Programs = request.Programs, MonthlyPremium = request.Quote.Monthly,
                CoverageMonths = Program.CoverageMonths, CoverageStart = start,
                Status = EnrollmentStatus.Active, EnrolledAt = now, UpdatedAt = now,
                SettledEarlier = before?.SettledEarlier ?? 0, AgentId = request.AgentId,
                History = before?.History ?? [],
            };
            after = after with
            {
                History = after.History.Add(ChangeNotes.Make(actor, now, ChangeKind.Enrolled,
                    after.Commitment - (before?.Commitment ?? 0), ChangeNotes.Enrolled(after))),
            };
        }
        var delta = after.Commitment - (before?.Commitment ?? 0);
        if (delta > Available)
        {
            failure = new Failure(FailureCode.BudgetExceeded,
                $"The budget left ({Rupiah.Format(Math.Max(Available, 0))}) does not cover this enrolment ({Rupiah.Format(delta)} for {after.CoverageMonths} months).",
                Needed: delta, Remaining: Math.Max(Available, 0));
            return false;
        }
        change = new EnrollmentChange(result, before, after, delta);
        return true;
    }

    public void Reserve(EnrollmentChange change) => Reserved += Math.Max(change.BudgetDelta, 0);

    public void CancelReservation(EnrollmentChange change) => Reserved -= Math.Max(change.BudgetDelta, 0);

    /// <summary>Makes a reserved change part of the ledger (the caller then persists it).</summary>
    public void Apply(EnrollmentChange change)
    {
        CancelReservation(change);
        Put(change.After);
    }

    public bool TryPlanWithdrawal(string id, DateTimeOffset now, Actor actor, out Withdrawal withdrawal)
    {
        withdrawal = null!;
        if (Find(id) is not { IsActive: true } before) return false;
        var begun = CoverageCalendar.MonthsBegun(before.CoverageStart, before.CoverageMonths, now);
        var notBegun = before.CoverageMonths - begun;
        var after = before with
        {
            Status = EnrollmentStatus.Withdrawn,
            WithdrawnAt = now,
            UpdatedAt = now,
            SettledEarlier = before.SettledEarlier + before.MonthlyPremium * begun,
        };
        withdrawal = new Withdrawal(before, after, before.MonthlyPremium * notBegun, notBegun);
        withdrawal = withdrawal with
        {
            After = after with { History = after.History.Add(ChangeNotes.Make(actor, now, ChangeKind.Withdrawn, -withdrawal.Refund, ChangeNotes.Withdrawn(withdrawal))) },
        };
        return true;
    }

    public void Apply(Withdrawal withdrawal) => Put(withdrawal.After);

    private void Put(Enrollment enrollment)
    {
        if (_byId.TryGetValue(enrollment.Id, out var old)) Tally(old, -1);
        _byId[enrollment.Id] = enrollment;
        _byNikKey[enrollment.NikKey] = enrollment;
        Tally(enrollment, +1);
    }

    private void Tally(Enrollment e, int sign)
    {
        Committed += sign * e.Commitment;
        // Days come from the audit trail, which only grows: a worker who returns adds a day, never moves one.
        foreach (var change in e.History)
        {
            if (change.Kind == ChangeKind.Enrolled) Add(_enrolledPerDay, CoverageCalendar.LocalDate(change.At), sign);
        }
        if (!e.IsActive) return;
        ActiveCount += sign;
        MonthlyPremiums += sign * e.MonthlyPremium;
        Add(_occupations, e.Occupation, sign);
        if (e.AgentId is { } agent)
        {
            var (count, premiums) = _agents.GetValueOrDefault(agent);
            if (count + sign == 0) _agents.Remove(agent);
            else _agents[agent] = (count + sign, premiums + sign * e.MonthlyPremium);
        }
    }

    private static void Add<TKey>(Dictionary<TKey, int> counts, TKey key, int sign) where TKey : notnull
    {
        var count = counts.GetValueOrDefault(key) + sign;
        if (count == 0) counts.Remove(key);
        else counts[key] = count;
    }
}
