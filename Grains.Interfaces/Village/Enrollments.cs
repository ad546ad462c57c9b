namespace Villages;

/// <summary>The BPJS Ketenagakerjaan programmes a BPU worker can join.</summary>
[Flags]
public enum Programs
{
    None = 0,
    /// <summary>Work accident (Jaminan Kecelakaan Kerja).</summary>
    Jkk = 1,
    /// <summary>Death (Jaminan Kematian).</summary>
    Jkm = 2,
    /// <summary>Old-age savings (Jaminan Hari Tua), optional for BPU.</summary>
    Jht = 4,
}

/// <summary>One worker to enrol, as an operator or agent sent it. Carries the NIK: never log it.</summary>
[GenerateSerializer, Immutable, Alias("Villages.EnrollmentRequest")]
public sealed record EnrollmentRequest(
    [property: Id(0)] string Nik,
    [property: Id(1)] string Name,
    [property: Id(2)] string Occupation,
    [property: Id(3)] long MonthlyIncome,
    [property: Id(4)] Programs Programs,
    [property: Id(5)] string? AgentId)
{
    /// <summary>Never print the NIK, even by accident through a record's generated ToString.</summary>
    public override string ToString() => $"EnrollmentRequest {{ Occupation = {Occupation}, MonthlyIncome = {MonthlyIncome}, Programs = {Programs} }}";
}

public enum EnrollmentStatus
{
    Active = 1,
    Withdrawn = 2,
}

/// <summary>An enrolment as shown outside the grain: the NIK masked, money in whole rupiah.</summary>
[GenerateSerializer, Immutable, Alias("Villages.EnrollmentView")]
public sealed record EnrollmentView(
    [property: Id(0)] string EnrollmentId,
    [property: Id(1)] string VillageCode,
    [property: Id(2)] string MaskedNik,
    [property: Id(3)] string Name,
    [property: Id(4)] string Occupation,
    [property: Id(5)] long MonthlyIncome,
    [property: Id(6)] Programs Programs,
    [property: Id(7)] long MonthlyPremium,
    [property: Id(8)] int CoverageMonths,
    [property: Id(9)] long Commitment,
    [property: Id(10)] DateOnly CoverageStart,
    [property: Id(11)] DateOnly CoverageEnd,
    [property: Id(12)] EnrollmentStatus Status,
    [property: Id(13)] DateTimeOffset EnrolledAt,
    [property: Id(14)] DateTimeOffset UpdatedAt,
    [property: Id(15)] DateTimeOffset? WithdrawnAt,
    [property: Id(16)] string? AgentId);

/// <summary>What an enrolment call did.</summary>
public enum EnrollmentResult
{
    Created = 1,
    Unchanged = 2,
    Repriced = 3,
    Updated = 4,
    Rejected = 5,
}

[GenerateSerializer, Immutable, Alias("Villages.EnrollmentOutcome")]
public sealed record EnrollmentOutcome(
    [property: Id(0)] EnrollmentResult Result,
    [property: Id(1)] EnrollmentView? Enrollment,
    [property: Id(2)] Failure? Failure)
{
    public static EnrollmentOutcome Rejected(Failure failure) => new(EnrollmentResult.Rejected, null, failure);
}

[GenerateSerializer, Immutable, Alias("Villages.WithdrawalOutcome")]
public sealed record WithdrawalOutcome(
    [property: Id(0)] EnrollmentView? Enrollment,
    [property: Id(1)] long Refund,
    [property: Id(2)] int MonthsRefunded,
    [property: Id(3)] Failure? Failure);

[GenerateSerializer, Immutable, Alias("Villages.ProgramChangeOutcome")]
public sealed record ProgramChangeOutcome(
    [property: Id(0)] VillageSnapshot? Village,
    [property: Id(1)] bool Created,
    [property: Id(2)] Failure? Failure);

[GenerateSerializer, Immutable, Alias("Villages.EnrollmentPage")]
public sealed record EnrollmentPage(
    [property: Id(0)] IReadOnlyList<EnrollmentView> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int Offset,
    [property: Id(3)] int Limit);
