using Villages.Domain;

namespace Villages.Village;

/// <summary>
/// Money with BPJS: a programme's dues, payments, and reinstating memberships that ended for arrears.
/// Terminations themselves are never asked for: before every call the village settles those whose
/// midnight has passed (<see cref="Invoke"/>).
/// </summary>
internal sealed partial class VillageGrain : IIncomingGrainCallFilter
{
    /// <summary>The longest reason a branch can give for a reinstatement.</summary>
    private const int MaximumReasonLength = 500;

    /// <summary>
    /// Every call first records the memberships that ended for arrears since the last one (computed
    /// from stored payments, so the same whenever it runs), then runs with the ledger of today.
    /// </summary>
    public Task Invoke(IIncomingGrainCallContext context)
    {
        Settle();
        return context.Invoke();
    }

    private void Settle()
    {
        if (_ledger is null) return; // still activating
        var settled = _ledger.Settle(clock.GetUtcNow());
        if (settled.Count == 0) return;
        _store.PutAll(settled);
        // A fact of the rules, not a request: written behind the call (a failed write is computed again by the next activation).
        _ = PersistAsync();
    }

    public Task<DuesOutcome> GetDues(int year, string? fundingSource, string? cohort) =>
        Task.FromResult(TryProgrammeOf(year, fundingSource, cohort, out var key, out var failure)
            ? new DuesOutcome(VillageQueries.Dues(_ledger, key, Today), null)
            : new DuesOutcome(null, failure));

    public async Task<PaymentOutcome> RecordPayment(int year, PaymentRequest request, Actor actor)
    {
        var now = clock.GetUtcNow();
        var today = CoverageCalendar.LocalDate(now);
        if (!PaymentRules.TryValidate(request, today, rules.Dues, out var valid, out var failure)
            || !TryProgrammeOf(year, request.FundingSource, request.Cohort, out var key, out failure)
            || !_ledger.TryPlanPayment(key, valid, now, out var plan, out failure))
        {
            return new PaymentOutcome { Failure = failure };
        }
        if (!plan.Repeat)
        {
            _ledger.Apply(plan);
            _store.SetProgrammes(_ledger.Programmes, ChangeNotes.Make(actor, now, ChangeKind.PaymentRecorded, 0, ChangeNotes.Payment(key, plan.Payment)));
        }
        // A repeat too: its answer must not run ahead of the first one's write.
        if (await PersistAsync() is { } unsaved) return new PaymentOutcome { Failure = unsaved };
        return new PaymentOutcome { Payment = VillageQueries.Payment(plan.Payment), Dues = VillageQueries.Dues(_ledger, key, Today), Created = !plan.Repeat };
    }

    public async Task<ReinstatementAnswer> Reinstate(int year, ReinstatementRequest request, Actor actor)
    {
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaximumReasonLength)
        {
            return ReinstatementAnswer.Refusal(year, new Failure(FailureCode.InvalidEnrollment,
                $"reason is required: why the membership is restored (late funds received...), up to {MaximumReasonLength} characters.", "reason"));
        }
        if (request.EnrollmentIds is not { Length: > 0 } named || named.Length > rules.Enrollment.Options.MaximumBatchSize)
        {
            return ReinstatementAnswer.Refusal(year, new Failure(FailureCode.InvalidEnrollment,
                $"enrollmentIds is required: the enrolments to restore, 1 to {rules.Enrollment.Options.MaximumBatchSize}.", "enrollmentIds"));
        }
        var ids = named.Where(static id => id is not null).Distinct(StringComparer.Ordinal).ToList();
        return ReinstatementAnswer.Of(year, await _inFlight.OneAtATime(ids, () => ReinstateAsync(ids, year, reason, actor)));
    }

    private async Task<IReadOnlyList<ReinstatementOutcome>> ReinstateAsync(List<string> ids, int year, string reason, Actor actor)
    {
        var now = clock.GetUtcNow();
        var today = CoverageCalendar.LocalDate(now);
        var results = new ReinstatementOutcome[ids.Count];
        var planned = new List<(int Index, EnrollmentChange Change)>();
        for (var i = 0; i < ids.Count; i++)
        {
            var result = _ledger.PlanReinstatement(ids[i], year, reason, now, actor, out var change, out var detail);
            if (result == ReinstatementResult.Reinstated) planned.Add((i, change));
            results[i] = new ReinstatementOutcome { EnrollmentId = ids[i], Result = result, Detail = detail, Enrollment = _ledger.Find(ids[i])?.ToView(Code, today) };
        }
        var failures = await ApplyAsync(planned);
        foreach (var (index, change) in planned)
        {
            results[index] = failures[index] switch
            {
                null => results[index] with { Enrollment = change.After.ToView(Code, today) },
                { Code: FailureCode.EnrolledElsewhere } elsewhere => results[index] with { Result = ReinstatementResult.HeldElsewhere, Detail = elsewhere.Detail },
                var failed => results[index] with { Result = ReinstatementResult.NotFound, Detail = failed.Detail },
            };
        }
        return results;
    }

    /// <summary>The programme a money call is about: the year's only one of the cohort, unless the funder or cohort is named.</summary>
    private bool TryProgrammeOf(int year, string? fundingSource, string? cohort, out ProgramKey key, out Failure failure) =>
        rules.Program.TryChoose(year, fundingSource, cohort, _ledger.Programmes.Select(static p => p.Key), Code, out key, out failure);
}
