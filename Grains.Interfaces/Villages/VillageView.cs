using System.Text.Json.Serialization;

namespace Villages;

/// <summary>A village's kind, read from the first digit of its own part of the code.</summary>
public enum VillageKind
{
    Kelurahan = 1,
    Desa = 2,
    DesaAdat = 3,
}

/// <summary>Whether a village has started this year and how far it is from its goal today.</summary>
public enum VillageStatus
{
    NotStarted = 0,
    Active = 1,
    AtTarget = 2,
}

/// <summary>A region by code and name.</summary>
[GenerateSerializer, Immutable, Alias("Villages.RegionRef")]
public sealed record RegionRef([property: Id(0)] string Code, [property: Id(1)] string Name);

/// <summary>One programme of a village (a budget year, a cohort, a funder) and its money.</summary>
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
    /// <summary>The budget year (January to December).</summary>
    [Id(8)] public required int Year { get; init; }
    [Id(9)] public required Cohort Cohort { get; init; }
    /// <summary>Workers enrolled into this programme (each counted once, whatever happened to them since).</summary>
    [Id(10)] public required int WorkersEnrolled { get; init; }
    /// <summary>Of them, the workers whose coverage from this programme runs today.</summary>
    [Id(11)] public required int WorkersCovered { get; init; }
    /// <summary>Months whose due date passed without full payment to BPJS (details: GET .../programs/{year}/dues).</summary>
    [Id(12)] public int MonthsInArrears { get; init; }
    [Id(13)] public long AmountInArrears { get; init; }
    /// <summary>What this month's contributions make due to BPJS.</summary>
    [Id(14)] public long AmountDueThisMonth { get; init; }
}

/// <summary>
/// A village as shown (GET /api/villages/{code}): where it is, this year's programmes, its workers
/// covered today and status. Aggregates only: no personal data, so anyone may read it.
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
    /// <summary>This year's programme for vulnerable workers (the first funder's, when several fund it).</summary>
    [Id(6)] public ProgramView? Program { get; init; }
    /// <summary>Vulnerable workers covered today, whichever programme pays for them.</summary>
    [Id(7)] public required int ActiveEnrollments { get; init; }
    /// <summary>This year's target for vulnerable workers, or the campaign's default before a programme is opened.</summary>
    [Id(8)] public required int TargetWorkers { get; init; }
    [Id(9)] public required long MonthlyPremiums { get; init; }
    [Id(10)] public required VillageStatus Status { get; init; }
    /// <summary>The budget year "this year" means, in WIB.</summary>
    [Id(11)] public required int Year { get; init; }
    /// <summary>Every programme of this year: each cohort and funder.</summary>
    [Id(12)] public required IReadOnlyList<ProgramView> Programs { get; init; }
    /// <summary>The village's programmes of other budget years (earlier ones, and next year's when opened).</summary>
    [Id(13)] public required IReadOnlyList<ProgramView> OtherPrograms { get; init; }
    /// <summary>Village apparatus covered today.</summary>
    [Id(14)] public required int ApparatusCovered { get; init; }
    /// <summary>Workers whose coverage ends within 30 days and is not renewed.</summary>
    [Id(15)] public required int EndingWithin30Days { get; init; }

    /// <summary>Value equality, the lists compared item by item.</summary>
    public bool Equals(VillageView? other) =>
        other is not null && Code == other.Code && Name == other.Name && Kind == other.Kind && District == other.District
        && Regency == other.Regency && Province == other.Province && Program == other.Program && ActiveEnrollments == other.ActiveEnrollments
        && TargetWorkers == other.TargetWorkers && MonthlyPremiums == other.MonthlyPremiums && Status == other.Status && Year == other.Year
        && Programs.SequenceEqual(other.Programs) && OtherPrograms.SequenceEqual(other.OtherPrograms)
        && ApparatusCovered == other.ApparatusCovered && EndingWithin30Days == other.EndingWithin30Days;

    public override int GetHashCode() => HashCode.Combine(Code, Year, Status, ActiveEnrollments, Program);
}

/// <summary>What a programme change did: the village after it (and whether the programme was opened), or why not.</summary>
[GenerateSerializer, Immutable, Alias("Villages.ProgramChangeOutcome")]
public sealed record ProgramChangeOutcome(
    [property: Id(0)] VillageView? Village,
    [property: Id(1)] bool Created,
    [property: Id(2)] Failure? Failure);
