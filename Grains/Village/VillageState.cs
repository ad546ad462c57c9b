namespace Villages.Village;

/// <summary>
/// A village's header row: the programme. Enrolments live in their own page rows so that one
/// enrolment rewrites one bounded page, never the whole village.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.VillageProgramState")]
public sealed record VillageProgramState(
    [property: Id(0)] ProgramTerms? Program,
    [property: Id(1)] DateTimeOffset? OpenedAt,
    [property: Id(2)] DateTimeOffset? UpdatedAt,
    [property: Id(3)] int PageCountHint,
    [property: Id(4)] Change[]? History = null);

/// <summary>Up to a page's worth of enrolments, in the order they were first made.</summary>
[GenerateSerializer, Immutable, Alias("Villages.EnrollmentPageState")]
public sealed record EnrollmentPageState([property: Id(0)] StoredEnrollment[] Enrollments);

/// <summary>
/// An enrolment at rest, kept small because a write rewrites its whole page: the NIK and the name
/// sealed together (AES-GCM); the id and the registry key are not stored but derived again from
/// the NIK on load; the rest in clear for the figures.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.StoredEnrollment")]
public sealed record StoredEnrollment(
    [property: Id(0)] byte[] SealedPerson,
    [property: Id(1)] string Occupation,
    [property: Id(2)] long MonthlyIncome,
    [property: Id(3)] Programs Programs,
    [property: Id(4)] long MonthlyPremium,
    [property: Id(5)] int CoverageMonths,
    [property: Id(6)] DateOnly CoverageStart,
    [property: Id(7)] EnrollmentStatus Status,
    [property: Id(8)] DateTimeOffset EnrolledAt,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] DateTimeOffset? WithdrawnAt,
    [property: Id(11)] long SettledEarlier,
    [property: Id(12)] string? AgentId,
    [property: Id(13)] Change[] History);
