using System.Text.Json.Serialization;

namespace Villages;

/// <summary>Where a worker's coverage stands on a day.</summary>
public enum EnrollmentStatus
{
    /// <summary>Covered today (or paid and about to start).</summary>
    Active = 1,
    /// <summary>Taken out by the village; months not begun went back to the budget.</summary>
    Withdrawn = 2,
    /// <summary>The paid block ran out and was not renewed: any village may enrol the worker again.</summary>
    Ended = 3,
    /// <summary>Membership ended by BPJS for arrears (berakhir kepesertaan): the worker must register again.</summary>
    Terminated = 4,
}

/// <summary>Where a registration stands with BPJS: the village's word only until BPJS's result file confirms it.</summary>
public enum BpjsRegistration
{
    RegisteredByVillage = 1,
    ConfirmedByBpjs = 2,
    RefusedByBpjs = 3,
}

/// <summary>One block of coverage: paid from one programme, from a day to the end of its last paid month.</summary>
[GenerateSerializer, Immutable, Alias("Villages.CoveragePeriod")]
public sealed record CoveragePeriod
{
    [Id(0)] public required int Year { get; init; }
    [Id(1), JsonConverter(typeof(JsonStringEnumConverter<FundingSource>))] public required FundingSource FundingSource { get; init; }
    [Id(2)] public required Cohort Cohort { get; init; }
    [Id(3)] public required DateOnly CoverageStart { get; init; }
    /// <summary>The last covered day; before the start when it was withdrawn before it began.</summary>
    [Id(4)] public required DateOnly CoverageEnd { get; init; }
    [Id(5)] public required int Months { get; init; }
    [Id(6)] public required long MonthlyPremium { get; init; }
    [Id(7)] public required EnrollmentStatus Status { get; init; }
}

/// <summary>An enrolment as shown outside the grain: the NIK masked, money in whole rupiah, its coverage as of today.</summary>
[GenerateSerializer, Immutable, Alias("Villages.EnrollmentView")]
public sealed record EnrollmentView
{
    /// <summary>Opaque and stable for this village and NIK; the NIK cannot be recovered from it.</summary>
    [Id(0)] public required string EnrollmentId { get; init; }
    [Id(1)] public required string VillageCode { get; init; }
    /// <summary>The NIK masked: 3510********0001.</summary>
    [Id(2), JsonPropertyName("nik")] public required string MaskedNik { get; init; }
    [Id(3)] public required string Name { get; init; }
    [Id(4)] public required string Occupation { get; init; }
    [Id(5)] public required long MonthlyIncome { get; init; }
    [Id(6)] public required string[] Programs { get; init; }
    [Id(7)] public required long MonthlyPremium { get; init; }
    /// <summary>Months paid by the current period.</summary>
    [Id(8)] public required int CoverageMonths { get; init; }
    /// <summary>What this enrolment holds of the village's budgets, every period together.</summary>
    [Id(9)] public required long Commitment { get; init; }
    /// <summary>The current period's first covered day: the registration day (WIB), or the day a renewal begins.</summary>
    [Id(10)] public required DateOnly CoverageStart { get; init; }
    /// <summary>The current period's last covered day: the end of its last paid month, unless stopped earlier.</summary>
    [Id(11)] public required DateOnly CoverageEnd { get; init; }
    [Id(12)] public required EnrollmentStatus Status { get; init; }
    [Id(13)] public required DateTimeOffset EnrolledAt { get; init; }
    [Id(14)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(15)] public DateTimeOffset? WithdrawnAt { get; init; }
    [Id(16)] public string? AgentId { get; init; }
    /// <summary>The budget year of the programme paying the current period.</summary>
    [Id(17)] public required int Year { get; init; }
    [Id(18), JsonConverter(typeof(JsonStringEnumConverter<FundingSource>))] public required FundingSource FundingSource { get; init; }
    [Id(19)] public required Cohort Cohort { get; init; }
    /// <summary>Every period, oldest first (a renewal adds one; the village's history keeps the earlier ones).</summary>
    [Id(20)] public required IReadOnlyList<CoveragePeriod> Periods { get; init; }
    /// <summary>Registered by the village, confirmed by BPJS (its result file), or refused by BPJS.</summary>
    [Id(21)] public BpjsRegistration Bpjs { get; init; } = BpjsRegistration.RegisteredByVillage;
    /// <summary>The BPJS participant number, masked (******5678), once confirmed.</summary>
    [Id(22), JsonPropertyName("kpj")] public string? MaskedKpj { get; init; }
    [Id(23)] public DateOnly? ConfirmedOn { get; init; }
    /// <summary>Why BPJS refused the registration.</summary>
    [Id(24)] public string? BpjsRefusal { get; init; }
}

[GenerateSerializer, Immutable, Alias("Villages.EnrollmentPage")]
public sealed record EnrollmentPage(
    [property: Id(0)] IReadOnlyList<EnrollmentView> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int Offset,
    [property: Id(3)] int Limit);

/// <summary>What an enrolment call did.</summary>
public enum EnrollmentResult
{
    Created = 1,
    Unchanged = 2,
    Repriced = 3,
    Updated = 4,
    Rejected = 5,
}

/// <summary>One enrolment call's answer: what it did and the enrolment now, or why it was refused.</summary>
[GenerateSerializer, Immutable, Alias("Villages.EnrollmentOutcome")]
public sealed record EnrollmentOutcome(
    [property: Id(0)] EnrollmentResult Result,
    [property: Id(1)] EnrollmentView? Enrollment,
    [property: Id(2)] Failure? Failure)
{
    public static EnrollmentOutcome Rejected(Failure failure) => new(EnrollmentResult.Rejected, null, failure);
}

/// <summary>A withdrawal: the enrolment after it and what returned to the budget, or why not.</summary>
[GenerateSerializer, Immutable, Alias("Villages.WithdrawalOutcome")]
public sealed record WithdrawalOutcome(
    [property: Id(0)] EnrollmentView? Enrollment,
    [property: Id(1)] long Refund,
    [property: Id(2)] int MonthsRefunded,
    [property: Id(3), JsonIgnore] Failure? Failure);
