using Villages.Domain;

namespace Villages.Village;

/// <summary>Renewing the previous period's workers into a year's programme.</summary>
internal sealed partial class VillageGrain
{
    /// <summary>
    /// Renews workers into <paramref name="year"/>'s programme: those named, or every worker whose
    /// latest period was paid from the year before. Each gets a new period from the day after theirs
    /// ends (or from today, after a gap), priced at today's rates, while the budget lasts; renewing
    /// again changes nothing. A worker whose coverage ended and who is now held by another village
    /// stays there. An id that is not this village's refuses the whole request, before any change.
    /// </summary>
    public async Task<RenewalAnswer> Renew(int year, RenewalRequest request, Actor actor)
    {
        var today = Today;
        if (rules.Program.CheckYear(year, today) is { } badYear) return RenewalAnswer.Refusal(year, badYear);
        if (!_ledger.Programmes.Any(p => p.Key.Year == year))
        {
            return RenewalAnswer.Refusal(year, new Failure(FailureCode.ProgramNotOpen,
                $"Village {Code} has no programme for {year} to renew into: PUT its programme for {year} first.", "year"));
        }
        FundingSource? funder = null;
        if (request.FundingSource is { } named)
        {
            if (!ProgramRules.TryFunding(named, out var parsed))
            {
                return RenewalAnswer.Refusal(year, new Failure(FailureCode.InvalidProgram, "fundingSource must be SD, SA or SL.", "fundingSource"));
            }
            funder = parsed;
        }
        List<Enrollment> workers;
        if (request.EnrollmentIds is { } ids)
        {
            var unknown = ids.Where(id => _ledger.Find(id) is null).ToList();
            if (unknown.Count > 0)
            {
                return RenewalAnswer.Refusal(year, new Failure(FailureCode.EnrollmentNotFound,
                    $"{unknown.Count} of the enrolments named are not enrolments of village {Code}; nothing was renewed.", "enrollmentIds"));
            }
            workers = [.. ids.Distinct(StringComparer.Ordinal).Select(id => _ledger.Find(id)!)];
        }
        else
        {
            // The previous year's workers, those renewed already included (they come back "already renewed");
            // not those withdrawn or terminated in it (they were taken out).
            workers = [.. _ledger.Enrollments
                .Where(e => e.Blocks.Any(b => b.Program.Year == year - 1) && !(e.Latest.Program.Year == year - 1 && e.Latest.Stopped))
                .OrderBy(static e => e.EnrolledAt).ThenBy(static e => e.Id, StringComparer.Ordinal)];
        }
        return RenewalAnswer.Of(year, await _inFlight.OneAtATime(workers.Select(static w => w.Id), () => RenewAsync(workers, year, funder, actor)));
    }

    private async Task<IReadOnlyList<RenewalOutcome>> RenewAsync(List<Enrollment> workers, int year, FundingSource? funder, Actor actor)
    {
        var now = clock.GetUtcNow();
        var today = CoverageCalendar.LocalDate(now);
        var results = new RenewalOutcome[workers.Count];
        var planned = new List<(int Index, EnrollmentChange Change)>();
        for (var i = 0; i < workers.Count; i++)
        {
            var worker = _ledger.Find(workers[i].Id)!;
            var cohort = worker.Cohort;
            var wanted = funder ?? worker.Latest.Program.Funder;
            var choices = _ledger.ProgrammesOf(year, cohort).Select(static p => p.Key).ToList();
            var program = choices.FirstOrDefault(k => k.Funder == wanted) ?? (funder is null && choices.Count == 1 ? choices[0] : null);
            RenewalResult result;
            EnrollmentChange? change = null;
            Failure? failure = null;
            if (worker.Latest.Program.Year >= year)
            {
                result = RenewalResult.AlreadyRenewed;
            }
            else if (program is null)
            {
                result = RenewalResult.Refused;
                failure = new Failure(FailureCode.ProgramNotOpen, $"No {year} programme {(funder is null ? "" : $"funded by {funder} ")}for this worker's cohort.", "fundingSource");
            }
            else if (!rules.Enrollment.Premiums.TryPrice(cohort, worker.MonthlyIncome, worker.Programs, out var quote, out var problem, out var field))
            {
                result = RenewalResult.Refused;
                failure = new Failure(FailureCode.InvalidEnrollment, problem, field);
            }
            else
            {
                result = _ledger.PlanRenewal(worker, program, quote.Monthly, now, actor, out change, out var refused);
                failure = result == RenewalResult.Renewed ? null : refused;
            }
            if (result == RenewalResult.Renewed)
            {
                _ledger.Reserve(change!); // at once: the next worker is planned against what is left
                planned.Add((i, change!));
            }
            results[i] = Outcome(worker, result, failure, today);
        }
        var failures = await ApplyAsync(planned);
        foreach (var (index, change) in planned)
        {
            results[index] = failures[index] switch
            {
                null => Outcome(change.After, RenewalResult.Renewed, null, today),
                { Code: FailureCode.EnrolledElsewhere } elsewhere => Outcome(change.Before!, RenewalResult.HeldElsewhere, elsewhere, today),
                var failed => Outcome(change.Before!, RenewalResult.Refused, failed, today),
            };
            if (failures[index] is null) metrics.Accepted(EnrollmentResult.Updated, change.BudgetDelta);
        }
        return results;
    }

    private RenewalOutcome Outcome(Enrollment e, RenewalResult result, Failure? failure, DateOnly today) => new()
    {
        EnrollmentId = e.Id, MaskedNik = Nik.Mask(e.Nik), Result = result, Enrollment = e.ToView(Code, today), Failure = failure,
    };
}
