namespace Villages;

/// <summary>
/// An active enrolment as a BPJS branch needs it for a collective registration: the NIK in full.
/// Only for callers allowed to see it, and never logged.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.EnrollmentExport")]
public sealed record EnrollmentExport(
    [property: Id(0)] string EnrollmentId,
    [property: Id(1)] string Nik,
    [property: Id(2)] string Name,
    [property: Id(3)] DateOnly BirthDate,
    [property: Id(4)] bool Female,
    [property: Id(5)] string Occupation,
    [property: Id(6)] long MonthlyIncome,
    [property: Id(7)] Programs Programs,
    [property: Id(8)] long MonthlyPremium,
    [property: Id(9)] int CoverageMonths,
    [property: Id(10)] DateOnly CoverageStart,
    [property: Id(11)] DateOnly CoverageEnd,
    [property: Id(12)] DateTimeOffset EnrolledAt,
    [property: Id(13)] string? AgentId)
{
    public override string ToString() => $"EnrollmentExport {{ EnrollmentId = {EnrollmentId} }}";
}
