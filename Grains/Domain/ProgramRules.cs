namespace Villages.Domain;

/// <summary>The checks on a programme a village opens or changes.</summary>
public sealed class ProgramRules(ProgramOptions options)
{
    public ProgramOptions Options => options;

    /// <summary>A programme as asked for, with the campaign's defaults for what was left out; checked by <see cref="Check"/> next.</summary>
    public bool TryResolve(ProgramRequest request, VillageKind kind, out ProgramTerms terms, out Failure failure)
    {
        terms = null!;
        failure = null!;
        if (request.BudgetAllocated is not { } budget)
        {
            failure = Invalid("budgetAllocated is required (whole rupiah).", "budgetAllocated");
            return false;
        }
        var funding = DefaultFunding(kind);
        if (request.FundingSource is { } named
            && (!Enum.TryParse(named.Trim(), ignoreCase: true, out funding) || !Enum.IsDefined(funding) || int.TryParse(named, out _)))
        {
            failure = Invalid("fundingSource must be SD (village budget), SA (regional budget) or SL (other).", "fundingSource");
            return false;
        }
        terms = new ProgramTerms(request.TargetWorkers ?? options.DefaultTargetWorkers, budget, request.CoverageMonths ?? options.DefaultCoverageMonths, funding);
        return true;
    }

    public Failure? Check(ProgramTerms terms, VillageKind kind, long committed)
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
        if (!Enum.IsDefined(terms.FundingSource))
        {
            return Invalid("fundingSource must be SD (village budget), SA (regional budget) or SL (other).", "fundingSource");
        }
        if (kind == VillageKind.Kelurahan && terms.FundingSource == FundingSource.SD)
        {
            return new Failure(FailureCode.FundingSourceNotAllowed,
                "A kelurahan has no village budget (APBDes): fund its premiums from the regional budget (SA) or other sources (SL).",
                "fundingSource");
        }
        if (terms.BudgetAllocated < committed)
        {
            return new Failure(FailureCode.BudgetBelowCommitted,
                $"The budget cannot go below what is already committed ({Rupiah.Format(committed)}); withdraw enrolments first.",
                "budgetAllocated", Needed: committed, Remaining: terms.BudgetAllocated);
        }
        return null;
    }

    /// <summary>The funding source a village of this kind uses when none is given.</summary>
    public static FundingSource DefaultFunding(VillageKind kind) => kind == VillageKind.Kelurahan ? FundingSource.SA : FundingSource.SD;

    private static Failure Invalid(string detail, string field) => new(FailureCode.InvalidProgram, detail, field);
}
