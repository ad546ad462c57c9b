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

/// <summary>A village's programme: its goal, its money and how long each enrolment is prepaid.</summary>
[GenerateSerializer, Immutable, Alias("Villages.ProgramTerms")]
public sealed record ProgramTerms(
    [property: Id(0)] int TargetWorkers,
    [property: Id(1)] long BudgetAllocated,
    [property: Id(2)] int CoverageMonths,
    [property: Id(3)] FundingSource FundingSource);

/// <summary>Whether a village has started and how far it is from its goal.</summary>
public enum VillageStatus
{
    NotStarted = 0,
    Active = 1,
    AtTarget = 2,
}

/// <summary>The village's programme and its money as the grain knows it now.</summary>
[GenerateSerializer, Immutable, Alias("Villages.VillageSnapshot")]
public sealed record VillageSnapshot(
    [property: Id(0)] string Code,
    [property: Id(1)] ProgramTerms? Program,
    [property: Id(2)] long BudgetCommitted,
    [property: Id(3)] int ActiveEnrollments,
    [property: Id(4)] long MonthlyPremiums,
    [property: Id(5)] VillageStatus Status,
    [property: Id(6)] DateTimeOffset? ProgramOpenedAt,
    [property: Id(7)] DateTimeOffset? UpdatedAt)
{
    public long BudgetRemaining => Program is null ? 0 : Program.BudgetAllocated - BudgetCommitted;
}
