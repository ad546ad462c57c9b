using System.Collections.Immutable;

namespace Villages.Domain;

/// <summary>A payment as the ledger will record it: new, or the same one again (nothing to write).</summary>
public sealed record PaymentPlan(ProgramKey Program, Payment Payment, bool Repeat);

/// <summary>
/// The ledger's money: what each programme owes BPJS month by month (<see cref="ProgrammeDues"/>),
/// the payments recorded against it, memberships that end for arrears and their reinstatement.
/// A termination is computed, never asked for: <see cref="Settle"/> records those whose midnight has
/// passed (whenever the village is next awake), and the figures read <see cref="Projected"/>, which
/// also has those to come if nothing more is paid.
/// </summary>
public sealed partial class VillageLedger
{
    private static readonly Actor Rules = new("villages", "system", null);
    // The enrolments as they will stand if nothing more is paid, by position (an enrolment is
    // immutable; a change replaces it and drops this): rebuilt after any change.
    private EndingProjection? _ending;
    // The last projection: a rebuild reuses the copy of an enrolment at the same position that did not
    // change and ends the same way, instead of copying every ending worker at every write.
    private EndingProjection? _lastEnding;

    public DuesRules Dues { get; }

    /// <summary>The enrolments as they stand if nothing more is paid: each block that ends for arrears stopped on its day.</summary>
    public IEnumerable<Enrollment> Projected
    {
        get
        {
            var ending = Ending;
            return ending.FirstEnd == DateOnly.MaxValue ? _byId.Values : ending.All;
        }
    }

    private EndingProjection Ending => _ending ??= ProjectEnds();

    /// <summary>
    /// The enrolments in <c>_byId</c>'s order; for each, its copy with the blocks that end for arrears
    /// stopped on their days (null when none does); each as it will stand; the earliest such day
    /// (until then there is nothing to settle, and every call asks).
    /// </summary>
    private sealed record EndingProjection(Enrollment[] Sources, Enrollment?[] Ends, Enrollment[] All, DateOnly FirstEnd);

    /// <summary>A programme's months, dues and payments as the ledger stands.</summary>
    public ProgrammeDues DuesOf(ProgramKey key) => DuesOf(key, _byId.Values);

    /// <summary>A programme's dues from some form of the enrolments (the figures pass <see cref="Projected"/>).</summary>
    public ProgrammeDues DuesOf(ProgramKey key, IEnumerable<Enrollment> enrollments) =>
        ProgrammeDues.Of(_programmes[key], enrollments.SelectMany(e => e.Blocks).Where(b => b.Program == key), Dues.Calendar);

    /// <summary>
    /// Records the terminations whose midnight has passed: the block stops that day, and the audit
    /// trail says so, dated at that midnight. Returns the enrolments to write (usually none).
    /// </summary>
    public IReadOnlyList<Enrollment> Settle(DateTimeOffset now)
    {
        var today = CoverageCalendar.LocalDate(now);
        var ending = Ending;
        if (ending.FirstEnd > today) return [];
        var settled = new List<Enrollment>();
        for (var j = 0; j < ending.Sources.Length; j++)
        {
            if (ending.Ends[j] is not { } projected) continue;
            var actual = ending.Sources[j];
            var after = actual;
            for (var i = 0; i < actual.Blocks.Length; i++)
            {
                var block = projected.Blocks[i];
                if (actual.Blocks[i].Stop != BlockStop.None || block.Stop != BlockStop.Terminated || block.StoppedOn > today) continue;
                after = after with
                {
                    Blocks = after.Blocks.SetItem(i, block),
                    History = after.History.Add(ChangeNotes.Make(Rules, CoverageCalendar.StartOf(block.StoppedOn!.Value), ChangeKind.Terminated, 0,
                        ChangeNotes.Terminated(block, Dues.MonthsInArrearsAllowed))),
                };
            }
            if (!ReferenceEquals(after, actual)) settled.Add(after);
        }
        foreach (var e in settled) Put(e);
        return settled;
    }

    /// <summary>
    /// Plans recording a payment into a programme: the same reference with the same details again is
    /// a repeat (nothing changes), with other details a conflict; every month named must be one the
    /// programme owes.
    /// </summary>
    public bool TryPlanPayment(ProgramKey key, ValidPayment request, DateTimeOffset now, out PaymentPlan plan, out Failure failure)
    {
        plan = null!;
        failure = null!;
        foreach (var programme in _programmes.Values)
        {
            if (programme.FindPayment(request.Reference) is not { } earlier) continue;
            if (programme.Key == key && earlier.SameAs(request.PaidOn, request.Months, request.Amount))
            {
                plan = new PaymentPlan(key, earlier, Repeat: true);
                return true;
            }
            failure = new Failure(FailureCode.PaymentConflict,
                $"Payment {request.Reference} was recorded on {earlier.RecordedOn:yyyy-MM-dd} for the {programme.Key} programme, " +
                $"{Rupiah.Format(earlier.Amount)} for {string.Join(", ", earlier.Months.Select(static m => m.ToString("yyyy-MM")))}, paid on {earlier.PaidOn:yyyy-MM-dd}; " +
                "a reference is recorded once: use the new transfer's own reference.", "reference");
            return false;
        }
        var dues = DuesOf(key);
        var owed = dues.Months.Where(static m => m.AmountDue > 0).Select(static m => m.Month).ToHashSet();
        if (request.Months.FirstOrDefault(m => !owed.Contains(m)) is var outside && outside != default)
        {
            failure = new Failure(FailureCode.InvalidPayment, owed.Count == 0
                ? $"The {key} programme owes nothing yet: no worker's months to pay for."
                : $"{outside:yyyy-MM} is not a month the {key} programme owes; its months are {owed.Min():yyyy-MM} to {owed.Max():yyyy-MM}.", "months");
            return false;
        }
        var expected = request.Months.Sum(m => dues.Month(m)!.Outstanding);
        plan = new PaymentPlan(key, new Payment(request.Reference, request.PaidOn, request.Months, request.Amount, now, expected), Repeat: false);
        return true;
    }

    public void Apply(PaymentPlan plan)
    {
        if (plan.Repeat) return;
        var programme = _programmes[plan.Program];
        Apply(programme with { Payments = programme.Payments.Add(plan.Payment) });
    }

    /// <summary>
    /// Plans restoring a worker whose membership in a year's programme ended for arrears: refused
    /// while more months than allowed are still in arrears (record the late payment first).
    /// </summary>
    public ReinstatementResult PlanReinstatement(string id, int year, string reason, DateTimeOffset now, Actor actor, out EnrollmentChange change, out string? detail)
    {
        change = null!;
        detail = null;
        var today = CoverageCalendar.LocalDate(now);
        if (Find(id) is not { } before) return ReinstatementResult.NotFound;
        var index = before.Blocks.ToList().FindLastIndex(b => b.Program.Year == year && b.Stop == BlockStop.Terminated);
        if (index < 0)
        {
            detail = $"This worker's membership in {year} did not end for arrears.";
            return ReinstatementResult.NotTerminated;
        }
        var restored = before.Blocks[index] with { Stop = BlockStop.None, StoppedOn = null, ReinstatedOn = today };
        var after = before with { Blocks = before.Blocks.SetItem(index, restored), UpdatedAt = now };
        var arrears = ProgrammeDues.Of(_programmes[restored.Program], _byId.Values.Select(e => e.Id == id ? after : e)
            .SelectMany(e => e.Blocks).Where(b => b.Program == restored.Program), Dues.Calendar).CountInArrears(restored, today);
        if (arrears > Dues.MonthsInArrearsAllowed)
        {
            detail = $"{arrears} of this worker's months in the {restored.Program} programme are still in arrears; record the late payment first.";
            return ReinstatementResult.StillInArrears;
        }
        after = after with { History = after.History.Add(ChangeNotes.Make(actor, now, ChangeKind.Reinstated, 0, ChangeNotes.Reinstated(restored, reason))) };
        change = new EnrollmentChange(EnrollmentResult.Updated, before, after, ImmutableDictionary<ProgramKey, long>.Empty, NeedsClaim: after.HoldsOn(today));
        return ReinstatementResult.Reinstated;
    }

    private EndingProjection ProjectEnds()
    {
        // By position, not by id: a write rebuilds this, and hashing every worker's id several times was most of its cost.
        var enrollments = new Enrollment[_byId.Count];
        _byId.Values.CopyTo(enrollments, 0);
        var blocks = new List<(Enrollment, int)>(enrollments.Length);
        var owners = new List<int>(enrollments.Length);
        var ends = new List<(int Owner, int Index, DateOnly Day)>();
        foreach (var programme in _programmes.Values)
        {
            if (programme.Prepaid) continue;
            blocks.Clear();
            owners.Clear();
            for (var j = 0; j < enrollments.Length; j++)
            {
                var e = enrollments[j];
                for (var i = 0; i < e.Blocks.Length; i++)
                {
                    if (e.Blocks[i].Program != programme.Key) continue;
                    blocks.Add((e, i));
                    owners.Add(j);
                }
            }
            if (blocks.Count == 0) continue;
            var endedOn = Arrears.Terminations(programme, blocks, Dues.Calendar, Dues.MonthsInArrearsAllowed);
            for (var k = 0; k < endedOn.Length; k++)
            {
                if (endedOn[k] != default) ends.Add((owners[k], blocks[k].Item2, endedOn[k]));
            }
        }
        ends.Sort();
        var firstEnd = DateOnly.MaxValue;
        var ended = new Enrollment?[enrollments.Length];
        var all = (Enrollment[])enrollments.Clone();
        var last = _lastEnding;
        for (var start = 0; start < ends.Count;)
        {
            var (owner, stop) = (ends[start].Owner, start);
            while (stop < ends.Count && ends[stop].Owner == owner)
            {
                if (ends[stop].Day < firstEnd) firstEnd = ends[stop].Day;
                stop++;
            }
            var source = enrollments[owner];
            all[owner] = ended[owner] =
                last is not null && owner < last.Sources.Length && ReferenceEquals(last.Sources[owner], source)
                && last.Ends[owner] is { } copy && EndsAs(copy, source, ends, start, stop)
                    ? copy
                    : Projection(source, ends, start, stop);
            start = stop;
        }
        return _lastEnding = new EndingProjection(enrollments, ended, all, firstEnd);
    }

    /// <summary>The enrolment with its blocks ends[start..stop) (one owner's, by block index) ended on their days.</summary>
    private static Enrollment Projection(Enrollment source, List<(int Owner, int Index, DateOnly Day)> ends, int start, int stop)
    {
        var blocks = source.Blocks.ToArray();
        for (var k = start; k < stop; k++) blocks[ends[k].Index] = Arrears.EndedOn(blocks[ends[k].Index], ends[k].Day);
        return source with { Blocks = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(blocks) };
    }

    /// <summary>Whether a copy made from this enrolment ends exactly the blocks ends[start..stop) name, on the same days.</summary>
    private static bool EndsAs(Enrollment copy, Enrollment source, List<(int Owner, int Index, DateOnly Day)> ends, int start, int stop)
    {
        var k = start;
        for (var i = 0; i < source.Blocks.Length; i++)
        {
            if (k < stop && ends[k].Index == i)
            {
                if (copy.Blocks[i] is not { Stop: BlockStop.Terminated } block || block.StoppedOn != ends[k].Day) return false;
                k++;
            }
            else if (!ReferenceEquals(copy.Blocks[i], source.Blocks[i])) return false;
        }
        return true;
    }
}
