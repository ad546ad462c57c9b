namespace Villages.Village;

/// <summary>
/// A village's header row: its programmes and their audit trail. Enrolments live in their own page
/// rows so that one enrolment rewrites one bounded page, never the whole village.
/// </summary>
/// <remarks>
/// Fields 0-2 are the first release's single programme (read, converted, never written again):
/// see <see cref="FirstRelease"/>.
/// </remarks>
[GenerateSerializer, Immutable, Alias("Villages.VillageProgramState")]
public sealed record VillageProgramState(
    [property: Id(0)] ProgramTerms? Program,
    [property: Id(1)] DateTimeOffset? OpenedAt,
    [property: Id(2)] DateTimeOffset? UpdatedAt,
    [property: Id(3)] int PageCountHint,
    [property: Id(4)] Change[]? History = null,
    [property: Id(5)] StoredProgramme[]? Programmes = null,
    [property: Id(6)] bool HistoryRecorded = false);

/// <summary>One programme at rest, with its payments (a dozen a year).</summary>
[GenerateSerializer, Immutable, Alias("Villages.StoredProgramme")]
public sealed record StoredProgramme(
    [property: Id(0)] ProgramKey Key,
    [property: Id(1)] ProgramTerms Terms,
    [property: Id(2)] DateTimeOffset OpenedAt,
    [property: Id(3)] DateTimeOffset UpdatedAt,
    [property: Id(4)] StoredPayment[]? Payments = null,
    [property: Id(5)] bool Prepaid = false);

/// <summary>A payment at rest; months as yyyyMM numbers.</summary>
[GenerateSerializer, Immutable, Alias("Villages.StoredPayment")]
public sealed record StoredPayment(
    [property: Id(0)] string Reference,
    [property: Id(1)] DateOnly PaidOn,
    [property: Id(2)] int[] Months,
    [property: Id(3)] long Amount,
    [property: Id(4)] DateTimeOffset RecordedAt,
    [property: Id(5)] long Expected);

/// <summary>Up to a page's worth of enrolments, in the order they were first made.</summary>
[GenerateSerializer, Immutable, Alias("Villages.EnrollmentPageState")]
public sealed record EnrollmentPageState([property: Id(0)] StoredEnrollment[] Enrollments);

/// <summary>
/// An enrolment at rest, kept small because a write rewrites its whole page: the NIK and the name
/// sealed together (AES-GCM); the id and the registry key are not stored but derived again from
/// the NIK on load; the rest in clear for the figures.
/// </summary>
/// <remarks>
/// Fields 4-7 held the first release's single block of coverage; they are read (see
/// <see cref="FirstRelease"/>) and left at their defaults since: the blocks are field 14.
/// </remarks>
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
    [property: Id(13)] Change[] History,
    [property: Id(14)] StoredBlock[]? Blocks = null,
    [property: Id(15)] StoredBpjs? Bpjs = null);

/// <summary>What BPJS's result file said of the registration (absent until reconciled): the KPJ sealed like the NIK.</summary>
[GenerateSerializer, Immutable, Alias("Villages.StoredBpjs")]
public sealed record StoredBpjs(
    [property: Id(0)] byte[]? SealedKpj,
    [property: Id(1)] DateOnly? ConfirmedOn,
    [property: Id(2)] string? Refusal);

/// <summary>
/// A block of coverage at rest, in few bytes: the programme packed in one number
/// (year * 100 + funder * 10 + cohort), the first paid month only when it is not the start's.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.StoredBlock")]
public sealed record StoredBlock(
    [property: Id(0)] int Program,
    [property: Id(1)] DateOnly Start,
    [property: Id(2)] DateOnly? FirstMonth,
    [property: Id(3)] int Months,
    [property: Id(4)] long MonthlyPremium,
    [property: Id(5)] Domain.BlockStop Stop = Domain.BlockStop.None,
    [property: Id(6)] DateOnly? StoppedOn = null,
    [property: Id(7)] int MonthsRefunded = 0,
    [property: Id(8)] DateOnly? ReinstatedOn = null);
