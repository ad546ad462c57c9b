namespace Villages;

/// <summary>Why a request was refused. Each code is a stable problem type on the HTTP API.</summary>
public enum FailureCode
{
    InvalidVillageCode = 1,
    VillageNotFound,
    InvalidProgram,
    FundingSourceNotAllowed,
    BudgetBelowCommitted,
    ProgramNotOpen,
    InvalidNik,
    InvalidEnrollment,
    BudgetExceeded,
    EnrolledElsewhere,
    EnrollmentNotFound,
    StorageUnavailable,
    /// <summary>A budget year too far from today (a typo, not a plan).</summary>
    InvalidYear,
    /// <summary>The worker is covered here already, by another of this village's programmes.</summary>
    AlreadyCovered,
    /// <summary>The year has several programmes for the cohort and the request did not say which.</summary>
    ProgramNotChosen,
    /// <summary>Two programmes with the same funder (and cohort) for one year in one request.</summary>
    DuplicateProgram,
    /// <summary>A date that is not one (or too far from today) for a coverage question.</summary>
    InvalidDate,
    /// <summary>A payment that cannot be recorded: no reference, a month outside the programme, an amount not above zero...</summary>
    InvalidPayment,
    /// <summary>A payment reference recorded before with another date, months or amount.</summary>
    PaymentConflict,
    /// <summary>A PERISAI agent record that cannot be registered: its code, name, region or status.</summary>
    InvalidAgent,
    /// <summary>No PERISAI agent registered under that code.</summary>
    AgentNotFound,
    /// <summary>An enrolment names an agent not registered for a region containing the village.</summary>
    AgentNotRegistered,
    /// <summary>An enrolment names an agent who is registered but inactive.</summary>
    AgentInactive,
}

/// <summary>
/// A refusal with what a person needs to fix it. Never carries a NIK: the detail is shown to
/// callers and may be logged.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.Failure")]
public sealed record Failure(
    [property: Id(0)] FailureCode Code,
    [property: Id(1)] string Detail,
    [property: Id(2)] string? Field = null,
    [property: Id(3)] long? Needed = null,
    [property: Id(4)] long? Remaining = null,
    [property: Id(5)] string? OtherVillage = null);

public static class FailureCodes
{
    /// <summary>The stable kebab-case name of a failure: the HTTP problem type and the metric tag.</summary>
    public static string Slug(this FailureCode code) => code switch
    {
        FailureCode.InvalidVillageCode => "invalid-village-code",
        FailureCode.VillageNotFound => "village-not-found",
        FailureCode.InvalidProgram => "invalid-program",
        FailureCode.FundingSourceNotAllowed => "funding-source-not-allowed",
        FailureCode.BudgetBelowCommitted => "budget-below-committed",
        FailureCode.ProgramNotOpen => "program-not-open",
        FailureCode.InvalidNik => "invalid-nik",
        FailureCode.InvalidEnrollment => "invalid-enrollment",
        FailureCode.BudgetExceeded => "budget-exceeded",
        FailureCode.EnrolledElsewhere => "enrolled-elsewhere",
        FailureCode.EnrollmentNotFound => "enrollment-not-found",
        FailureCode.StorageUnavailable => "storage-unavailable",
        FailureCode.InvalidYear => "invalid-year",
        FailureCode.AlreadyCovered => "already-covered",
        FailureCode.ProgramNotChosen => "program-not-chosen",
        FailureCode.DuplicateProgram => "duplicate-program",
        FailureCode.InvalidDate => "invalid-date",
        FailureCode.InvalidPayment => "invalid-payment",
        FailureCode.PaymentConflict => "payment-conflict",
        FailureCode.InvalidAgent => "invalid-agent",
        FailureCode.AgentNotFound => "agent-not-found",
        FailureCode.AgentNotRegistered => "agent-not-registered",
        FailureCode.AgentInactive => "agent-inactive",
        _ => "unknown",
    };
}

public static class Failures
{
    /// <summary>Storage or the registry did not answer: nothing was lost and the call may be retried as it is.</summary>
    public static readonly Failure StorageUnavailable =
        new(FailureCode.StorageUnavailable, "The ledger could not be saved just now; nothing was lost. Retry the same request: it is idempotent.");
}
