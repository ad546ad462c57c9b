namespace Villages;

/// <summary>
/// An active enrolment as a BPJS branch needs it for a collective registration: the NIK in full.
/// Only for callers allowed to see it, and never logged.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.EnrollmentExport")]
public sealed record EnrollmentExport
{
    [Id(0)] public required string EnrollmentId { get; init; }
    [Id(1)] public required string Nik { get; init; }
    [Id(2)] public required string Name { get; init; }
    [Id(3)] public required DateOnly BirthDate { get; init; }
    [Id(4)] public required bool Female { get; init; }
    [Id(5)] public required string Occupation { get; init; }
    [Id(6)] public required long MonthlyIncome { get; init; }
    [Id(7)] public required Programs Programs { get; init; }
    [Id(8)] public required long MonthlyPremium { get; init; }
    [Id(9)] public required int CoverageMonths { get; init; }
    [Id(10)] public required DateOnly CoverageStart { get; init; }
    [Id(11)] public required DateOnly CoverageEnd { get; init; }
    [Id(12)] public required DateTimeOffset EnrolledAt { get; init; }
    [Id(13)] public string? AgentId { get; init; }
    /// <summary>Who pays (the village's programme).</summary>
    [Id(14)] public FundingSource? FundingSource { get; init; }

    public override string ToString() => $"EnrollmentExport {{ EnrollmentId = {EnrollmentId} }}";
}
