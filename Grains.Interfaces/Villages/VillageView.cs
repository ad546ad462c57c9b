using System.Text.Json.Serialization;

namespace Villages;

/// <summary>A village's kind, read from the first digit of its own part of the code.</summary>
public enum VillageKind
{
    Kelurahan = 1,
    Desa = 2,
    DesaAdat = 3,
}

/// <summary>Whether a village has started and how far it is from its goal.</summary>
public enum VillageStatus
{
    NotStarted = 0,
    Active = 1,
    AtTarget = 2,
}

/// <summary>A region by code and name.</summary>
[GenerateSerializer, Immutable, Alias("Villages.RegionRef")]
public sealed record RegionRef([property: Id(0)] string Code, [property: Id(1)] string Name);

/// <summary>A village's programme and its money.</summary>
[GenerateSerializer, Immutable, Alias("Villages.ProgramView")]
public sealed record ProgramView
{
    [Id(0)] public required int TargetWorkers { get; init; }
    [Id(1)] public required long BudgetAllocated { get; init; }
    [Id(2)] public required long BudgetCommitted { get; init; }
    [Id(3)] public required long BudgetRemaining { get; init; }
    [Id(4)] public required int CoverageMonths { get; init; }
    /// <summary>As BPJS names it (SD, SA, SL), not in the API's kebab-case.</summary>
    [Id(5), JsonConverter(typeof(JsonStringEnumConverter<FundingSource>))] public required FundingSource FundingSource { get; init; }
    [Id(6)] public DateTimeOffset? OpenedAt { get; init; }
    [Id(7)] public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>
/// A village as shown (GET /api/villages/{code}): where it is, its programme, its enrolments and
/// status. Aggregates only: no personal data, so anyone may read it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.VillageView")]
public sealed record VillageView
{
    [Id(0)] public required string Code { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required VillageKind Kind { get; init; }
    [Id(3)] public required RegionRef District { get; init; }
    [Id(4)] public required RegionRef Regency { get; init; }
    [Id(5)] public required RegionRef Province { get; init; }
    [Id(6)] public ProgramView? Program { get; init; }
    [Id(7)] public required int ActiveEnrollments { get; init; }
    /// <summary>The programme's target, or the campaign's default before one is opened.</summary>
    [Id(8)] public required int TargetWorkers { get; init; }
    [Id(9)] public required long MonthlyPremiums { get; init; }
    [Id(10)] public required VillageStatus Status { get; init; }
}

/// <summary>What a programme change did: the village after it (and whether the programme was opened), or why not.</summary>
[GenerateSerializer, Immutable, Alias("Villages.ProgramChangeOutcome")]
public sealed record ProgramChangeOutcome(
    [property: Id(0)] VillageView? Village,
    [property: Id(1)] bool Created,
    [property: Id(2)] Failure? Failure);
