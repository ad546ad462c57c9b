namespace Villages;

/// <summary>Who pays a village's premiums: the BPJS collective-registration codes.</summary>
public enum FundingSource
{
    /// <summary>Village budget (APBDes). Only a desa has one.</summary>
    SD = 1,
    /// <summary>Regional budget (APBD): how a kelurahan pays, and how a regency funds its desa.</summary>
    SA = 2,
    /// <summary>Other sources.</summary>
    SL = 3,
}

/// <summary>Who a programme covers, and so how it is priced.</summary>
public enum Cohort
{
    /// <summary>Vulnerable informal workers (BPU, bukan penerima upah): the campaign's 100 a village.</summary>
    Vulnerable = 1,
    /// <summary>Village apparatus (perangkat desa), wage earners (PU) priced on their fixed allowance (siltap).</summary>
    Apparatus = 2,
}

/// <summary>
/// Which programme: a village holds at most one per budget year (APBDes runs January to December),
/// cohort and funder, so a desa funded by its regency (SA) and by itself (SD) holds two.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.ProgramKey")]
public sealed record ProgramKey(
    [property: Id(0)] int Year,
    [property: Id(1)] FundingSource Funder,
    [property: Id(2)] Cohort Cohort)
{
    public override string ToString() => $"{Year} {Funder}{(Cohort == Cohort.Apparatus ? " apparatus" : "")}";
}

/// <summary>
/// A programme as an operator asks for it (PUT .../programs/{year}): what is left out takes the
/// campaign's defaults (100 workers, 12 months, the funding a village of its kind has, vulnerable
/// workers). The funding source and cohort are kept as sent so that a wrong one is a clear problem,
/// not an unreadable body.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.ProgramRequest")]
public sealed record ProgramRequest(
    [property: Id(0)] int? TargetWorkers,
    [property: Id(1)] long? BudgetAllocated,
    [property: Id(2)] int? CoverageMonths,
    [property: Id(3)] string? FundingSource,
    [property: Id(4)] string? Cohort = null);

/// <summary>A programme's goal, its money and how long each enrolment is prepaid.</summary>
[GenerateSerializer, Immutable, Alias("Villages.ProgramTerms")]
public sealed record ProgramTerms(
    [property: Id(0)] int TargetWorkers,
    [property: Id(1)] long BudgetAllocated,
    [property: Id(2)] int CoverageMonths,
    [property: Id(3)] FundingSource FundingSource);
