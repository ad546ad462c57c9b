namespace Villages.WebApi.Http;

/// <summary>
/// Every problem this API answers with, defined once: its stable code (the type is
/// "/problems/{code}"), status, title and, for passing unavailability, how long to wait. The
/// constructor is private, so a handler can only name a type from this catalogue: an unknown or
/// misspelt type does not compile.
/// </summary>
public sealed class ProblemType
{
    private static readonly List<ProblemType> Catalogue = [];

    private ProblemType(string code, int status, string title, int? retryAfterSeconds = null)
    {
        (Code, Status, Title, RetryAfterSeconds) = (code, status, title, retryAfterSeconds);
        Catalogue.Add(this);
    }

    public string Code { get; }
    public int Status { get; }
    public string Title { get; }

    /// <summary>Seconds a client should wait before retrying (503s); 429s say their own.</summary>
    public int? RetryAfterSeconds { get; }

    public string Type => "/problems/" + Code;

    public static IReadOnlyList<ProblemType> All => Catalogue;

    /// <summary>The ledger's refusals, by the stable code the grains give them.</summary>
    public static readonly ProblemType InvalidVillageCode = Failure(FailureCode.InvalidVillageCode, 400, "The village code is malformed");
    public static readonly ProblemType VillageNotFound = Failure(FailureCode.VillageNotFound, 404, "No such village");
    public static readonly ProblemType InvalidProgram = Failure(FailureCode.InvalidProgram, 400, "The programme is invalid");
    public static readonly ProblemType FundingSourceNotAllowed = Failure(FailureCode.FundingSourceNotAllowed, 400, "This funding source is not allowed for this village");
    public static readonly ProblemType BudgetBelowCommitted = Failure(FailureCode.BudgetBelowCommitted, 409, "The budget cannot go below what is committed");
    public static readonly ProblemType ProgramNotOpen = Failure(FailureCode.ProgramNotOpen, 409, "The village has no programme yet");
    public static readonly ProblemType InvalidNik = Failure(FailureCode.InvalidNik, 400, "The NIK is invalid");
    public static readonly ProblemType InvalidEnrollment = Failure(FailureCode.InvalidEnrollment, 400, "The worker's data is invalid");
    public static readonly ProblemType BudgetExceeded = Failure(FailureCode.BudgetExceeded, 409, "The budget left does not cover this enrolment");
    public static readonly ProblemType EnrolledElsewhere = Failure(FailureCode.EnrolledElsewhere, 409, "The worker is enrolled in another village");
    public static readonly ProblemType EnrollmentNotFound = Failure(FailureCode.EnrollmentNotFound, 404, "No such enrolment in this village");
    public static readonly ProblemType StorageUnavailable = Failure(FailureCode.StorageUnavailable, 503, "The ledger is briefly unavailable", retryAfterSeconds: 2);
    public static readonly ProblemType InvalidYear = Failure(FailureCode.InvalidYear, 400, "The budget year is too far from today");
    public static readonly ProblemType AlreadyCovered = Failure(FailureCode.AlreadyCovered, 409, "The worker is covered here by another programme");
    public static readonly ProblemType ProgramNotChosen = Failure(FailureCode.ProgramNotChosen, 400, "Say which of the year's programmes");
    public static readonly ProblemType DuplicateProgram = Failure(FailureCode.DuplicateProgram, 400, "Two programmes with the same funder");
    public static readonly ProblemType InvalidDate = Failure(FailureCode.InvalidDate, 400, "The date is invalid");
    public static readonly ProblemType InvalidPayment = Failure(FailureCode.InvalidPayment, 400, "The payment cannot be recorded");
    public static readonly ProblemType PaymentConflict = Failure(FailureCode.PaymentConflict, 409, "The payment reference was recorded with other details");
    public static readonly ProblemType InvalidAgent = Failure(FailureCode.InvalidAgent, 400, "The PERISAI agent record is invalid");
    public static readonly ProblemType AgentNotFound = Failure(FailureCode.AgentNotFound, 404, "No such PERISAI agent");
    public static readonly ProblemType AgentNotRegistered = Failure(FailureCode.AgentNotRegistered, 409, "The PERISAI agent is not registered for this village's region");
    public static readonly ProblemType AgentInactive = Failure(FailureCode.AgentInactive, 409, "The PERISAI agent is inactive");

    /// <summary>What HTTP itself refuses.</summary>
    public static readonly ProblemType MalformedRequest = new("malformed-request", 400, "The request body could not be read");
    public static readonly ProblemType InvalidRegionCode = new("invalid-region-code", 400, "The region code is malformed");
    public static readonly ProblemType RegionNotFound = new("region-not-found", 404, "No such region");
    public static readonly ProblemType InvalidQuery = new("invalid-query", 400, "A query parameter is invalid");
    public static readonly ProblemType InvalidRow = new("invalid-row", 400, "A row of the file cannot be used");
    public static readonly ProblemType UnsupportedMediaType = new("unsupported-media-type", 415, "Unsupported content type");
    public static readonly ProblemType PayloadTooLarge = new("payload-too-large", 413, "The request body is too large");
    public static readonly ProblemType BatchTooLarge = new("batch-too-large", 413, "Too many rows in one batch");
    public static readonly ProblemType NotFound = new("not-found", 404, "No such resource");
    public static readonly ProblemType Unauthenticated = new("unauthenticated", 401, "Sign in first");
    public static readonly ProblemType Forbidden = new("forbidden", 403, "Not allowed for your role or region");
    public static readonly ProblemType RateLimited = new("rate-limited", 429, "Too many requests");
    public static readonly ProblemType TooManyStreams = new("too-many-streams", 429, "Too many live streams open");
    public static readonly ProblemType TooManyJobs = new("too-many-jobs", 429, "Too many jobs running");
    public static readonly ProblemType MethodNotAllowed = new("method-not-allowed", 405, "Method not allowed");
    public static readonly ProblemType ServiceUnavailable = new("service-unavailable", 503, "The service is briefly unavailable", retryAfterSeconds: 2);
    public static readonly ProblemType InternalError = new("internal-error", 500, "Something went wrong on our side");

    /// <summary>The problem of a refusal by the ledger. A new failure code without a type here does not compile (CS8509).</summary>
#pragma warning disable CS8524 // an unnamed enum value cannot come from the grains
    public static ProblemType Of(FailureCode code) => code switch
    {
        FailureCode.InvalidVillageCode => InvalidVillageCode,
        FailureCode.VillageNotFound => VillageNotFound,
        FailureCode.InvalidProgram => InvalidProgram,
        FailureCode.FundingSourceNotAllowed => FundingSourceNotAllowed,
        FailureCode.BudgetBelowCommitted => BudgetBelowCommitted,
        FailureCode.ProgramNotOpen => ProgramNotOpen,
        FailureCode.InvalidNik => InvalidNik,
        FailureCode.InvalidEnrollment => InvalidEnrollment,
        FailureCode.BudgetExceeded => BudgetExceeded,
        FailureCode.EnrolledElsewhere => EnrolledElsewhere,
        FailureCode.EnrollmentNotFound => EnrollmentNotFound,
        FailureCode.StorageUnavailable => StorageUnavailable,
        FailureCode.InvalidYear => InvalidYear,
        FailureCode.AlreadyCovered => AlreadyCovered,
        FailureCode.ProgramNotChosen => ProgramNotChosen,
        FailureCode.DuplicateProgram => DuplicateProgram,
        FailureCode.InvalidDate => InvalidDate,
        FailureCode.InvalidPayment => InvalidPayment,
        FailureCode.PaymentConflict => PaymentConflict,
        FailureCode.InvalidAgent => InvalidAgent,
        FailureCode.AgentNotFound => AgentNotFound,
        FailureCode.AgentNotRegistered => AgentNotRegistered,
        FailureCode.AgentInactive => AgentInactive,
    };
#pragma warning restore CS8524

    /// <summary>The type of a bodiless status (a route that does not exist, a wrong method...).</summary>
    public static ProblemType OfStatus(int status) => status switch
    {
        401 => Unauthenticated,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        >= 500 => InternalError,
        _ => MalformedRequest,
    };

    public static ProblemType? Find(string code) => Catalogue.Find(t => t.Code == code);

    public override string ToString() => Code;

    private static ProblemType Failure(FailureCode code, int status, string title, int? retryAfterSeconds = null) =>
        new(code.Slug(), status, title, retryAfterSeconds);
}
