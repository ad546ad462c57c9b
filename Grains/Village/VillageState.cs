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
    [property: Id(3)] int PageCountHint);

/// <summary>Up to a page's worth of enrolments, in the order they were first made.</summary>
[GenerateSerializer, Immutable, Alias("Villages.EnrollmentPageState")]
public sealed record EnrollmentPageState([property: Id(0)] StoredEnrollment[] Enrollments);

/// <summary>An enrolment at rest: the NIK and the name sealed (AES-GCM), the rest in clear for figures.</summary>
[GenerateSerializer, Immutable, Alias("Villages.StoredEnrollment")]
public sealed record StoredEnrollment(
    [property: Id(0)] string Id,
    [property: Id(1)] string NikKey,
    [property: Id(2)] byte[] SealedNik,
    [property: Id(3)] byte[] SealedName,
    [property: Id(4)] string Occupation,
    [property: Id(5)] long MonthlyIncome,
    [property: Id(6)] Programs Programs,
    [property: Id(7)] long MonthlyPremium,
    [property: Id(8)] int CoverageMonths,
    [property: Id(9)] DateOnly CoverageStart,
    [property: Id(10)] EnrollmentStatus Status,
    [property: Id(11)] DateTimeOffset EnrolledAt,
    [property: Id(12)] DateTimeOffset UpdatedAt,
    [property: Id(13)] DateTimeOffset? WithdrawnAt,
    [property: Id(14)] long SettledEarlier,
    [property: Id(15)] string? AgentId);
