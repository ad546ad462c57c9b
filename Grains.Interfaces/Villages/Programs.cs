namespace Villages;

/// <summary>Who pays a village's premiums: the BPJS collective-registration codes.</summary>
public enum FundingSource
{
    /// <summary>Village budget (APBDes). Only a desa has one.</summary>
    SD = 1,
    /// <summary>Regional budget (APBD): how a kelurahan pays.</summary>
    SA = 2,
    /// <summary>Other sources.</summary>
    SL = 3,
}

/// <summary>
/// A programme as an operator asks for it (PUT .../program): what is left out takes the campaign's
/// defaults (100 workers, 12 months, the funding a village of its kind has). The funding source is
/// kept as sent (SD, SA or SL) so that a wrong one is a clear problem, not an unreadable body.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.ProgramRequest")]
public sealed record ProgramRequest(
    [property: Id(0)] int? TargetWorkers,
    [property: Id(1)] long? BudgetAllocated,
    [property: Id(2)] int? CoverageMonths,
    [property: Id(3)] string? FundingSource);

/// <summary>A village's programme as the ledger keeps it: its goal, its money and how long each enrolment is prepaid.</summary>
[GenerateSerializer, Immutable, Alias("Villages.ProgramTerms")]
public sealed record ProgramTerms(
    [property: Id(0)] int TargetWorkers,
    [property: Id(1)] long BudgetAllocated,
    [property: Id(2)] int CoverageMonths,
    [property: Id(3)] FundingSource FundingSource);
