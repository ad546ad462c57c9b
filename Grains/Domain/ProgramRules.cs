namespace Villages.Domain;

/// <summary>The checks on a programme a village opens or changes, and on which programme a worker joins.</summary>
public sealed class ProgramRules(ProgramOptions options)
{
    public ProgramOptions Options => options;

    /// <summary>A budget year a programme may be opened for or changed in: a few back (corrections), one ahead (planning).</summary>
    public Failure? CheckYear(int year, DateOnly today) =>
        year < today.Year - options.YearsBack || year > today.Year + options.YearsAhead
            ? new Failure(FailureCode.InvalidYear,
                $"A programme's budget year is from {today.Year - options.YearsBack} to {today.Year + options.YearsAhead}, not {year}.", "year")
            : null;

    /// <summary>
    /// A programme as asked for, for a year, with the campaign's defaults for what was left out; its
    /// funder is the one named, else the year's only programme of the cohort (a change needs not
    /// repeat it), else the funding a village of its kind has. Checked by <see cref="Check"/> next.
    /// </summary>
    public bool TryResolve(int year, ProgramRequest request, VillageKind kind, IEnumerable<ProgramKey> existing,
        out ProgramKey key, out ProgramTerms terms, out Failure failure)
    {
        key = null!;
        terms = null!;
        failure = null!;
        if (request.BudgetAllocated is not { } budget)
        {
            failure = Invalid("budgetAllocated is required (whole rupiah).", "budgetAllocated");
            return false;
        }
        if (!TryCohort(request.Cohort, out var cohort))
        {
            failure = Invalid("cohort must be vulnerable (the campaign's workers) or apparatus (perangkat desa).", "cohort");
            return false;
        }
        FundingSource funding;
        if (request.FundingSource is { } named)
        {
            if (!TryFunding(named, out funding))
            {
                failure = Invalid("fundingSource must be SD (village budget), SA (regional budget) or SL (other).", "fundingSource");
                return false;
            }
        }
        else
        {
            var ofYear = existing.Where(k => k.Year == year && k.Cohort == cohort).ToList();
            funding = ofYear.Count == 1 ? ofYear[0].Funder : DefaultFunding(kind);
        }
        key = new ProgramKey(year, funding, cohort);
        terms = new ProgramTerms(request.TargetWorkers ?? options.DefaultTargetWorkers, budget, request.CoverageMonths ?? options.DefaultCoverageMonths, funding);
        return true;
    }

    public Failure? Check(ProgramKey key, ProgramTerms terms, VillageKind kind, long committed)
    {
        if (terms.TargetWorkers < 1 || terms.TargetWorkers > options.MaximumTargetWorkers)
        {
            return Invalid($"targetWorkers must be between 1 and {options.MaximumTargetWorkers}.", "targetWorkers");
        }
        if (terms.BudgetAllocated < 1 || terms.BudgetAllocated > options.MaximumBudget)
        {
            return Invalid($"budgetAllocated must be a positive whole rupiah amount up to {Rupiah.Format(options.MaximumBudget)}.", "budgetAllocated");
        }
        if (terms.CoverageMonths < 1 || terms.CoverageMonths > options.MaximumCoverageMonths)
        {
            return Invalid($"coverageMonths must be between 1 and {options.MaximumCoverageMonths}.", "coverageMonths");
        }
        if (!Enum.IsDefined(terms.FundingSource) || terms.FundingSource != key.Funder)
        {
            return Invalid("fundingSource must be SD (village budget), SA (regional budget) or SL (other).", "fundingSource");
        }
        if (kind == VillageKind.Kelurahan && terms.FundingSource == FundingSource.SD)
        {
            return new Failure(FailureCode.FundingSourceNotAllowed,
                "A kelurahan has no village budget (APBDes): fund its premiums from the regional budget (SA) or other sources (SL).",
                "fundingSource");
        }
        if (kind == VillageKind.Kelurahan && key.Cohort == Cohort.Apparatus)
        {
            return Invalid("A kelurahan has no perangkat desa: its staff are civil servants, outside this programme.", "cohort");
        }
        if (terms.BudgetAllocated < committed)
        {
            return new Failure(FailureCode.BudgetBelowCommitted,
                $"The budget cannot go below what is already committed ({Rupiah.Format(committed)}); withdraw enrolments first.",
                "budgetAllocated", Needed: committed, Remaining: terms.BudgetAllocated);
        }
        return null;
    }

    /// <summary>
    /// The programme a worker joins: the year asked (this year by default), the cohort asked
    /// (vulnerable workers by default), and the funder named, or the only one that year.
    /// </summary>
    public bool TryChoose(int year, string? funder, string? cohortName, IEnumerable<ProgramKey> programmes, string villageCode, out ProgramKey key, out Failure failure)
    {
        key = null!;
        failure = null!;
        if (!TryCohort(cohortName, out var cohort))
        {
            failure = new Failure(FailureCode.InvalidEnrollment, "cohort must be vulnerable or apparatus.", "cohort");
            return false;
        }
        FundingSource? named = null;
        if (funder is not null)
        {
            if (!TryFunding(funder, out var parsed))
            {
                failure = new Failure(FailureCode.InvalidEnrollment, "fundingSource must be SD, SA or SL.", "fundingSource");
                return false;
            }
            named = parsed;
        }
        var candidates = programmes.Where(k => k.Year == year && k.Cohort == cohort && (named is null || k.Funder == named)).ToList();
        if (candidates.Count == 0)
        {
            var what = cohort == Cohort.Apparatus ? "a programme for its apparatus" : "a programme";
            failure = new Failure(FailureCode.ProgramNotOpen,
                $"Village {villageCode} has not opened {what} for {year}{(named is null ? "" : $" funded by {named}")}: PUT its programme first.");
            return false;
        }
        if (candidates.Count > 1)
        {
            failure = new Failure(FailureCode.ProgramNotChosen,
                $"Village {villageCode} has {candidates.Count} programmes in {year} ({string.Join(", ", candidates.Select(static k => k.Funder))}): say which with fundingSource.",
                "fundingSource");
            return false;
        }
        key = candidates[0];
        return true;
    }

    /// <summary>The funding source a village of this kind uses when none is given.</summary>
    public static FundingSource DefaultFunding(VillageKind kind) => kind == VillageKind.Kelurahan ? FundingSource.SA : FundingSource.SD;

    public static bool TryFunding(string text, out FundingSource funding) =>
        Enum.TryParse(text.Trim(), ignoreCase: true, out funding) && Enum.IsDefined(funding) && !int.TryParse(text, out _);

    public static bool TryCohort(string? text, out Cohort cohort)
    {
        cohort = Cohort.Vulnerable;
        if (text is null) return true;
        return Enum.TryParse(text.Trim(), ignoreCase: true, out cohort) && Enum.IsDefined(cohort) && !int.TryParse(text, out _);
    }

    private static Failure Invalid(string detail, string field) => new(FailureCode.InvalidProgram, detail, field);
}
