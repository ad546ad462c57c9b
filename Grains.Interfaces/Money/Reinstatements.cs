using System.Text.Json.Serialization;

namespace Villages;

/// <summary>
/// A BPJS branch restores workers whose membership ended for arrears, once the payer's late funds
/// arrived (village budget tranches are often late): the enrolments, and why.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.ReinstatementRequest")]
public sealed record ReinstatementRequest
{
    [Id(0)] public string[]? EnrollmentIds { get; init; }
    [Id(1)] public string? Reason { get; init; }
}

/// <summary>What became of one worker's reinstatement.</summary>
public enum ReinstatementResult
{
    /// <summary>Covered again as before the termination, until the end of the paid block.</summary>
    Reinstated = 1,
    /// <summary>Not terminated in that year's programme: nothing to do.</summary>
    NotTerminated = 2,
    /// <summary>Another village covers the worker now.</summary>
    HeldElsewhere = 3,
    /// <summary>Still more months in arrears than allowed: record the late payment first.</summary>
    StillInArrears = 4,
    /// <summary>No such enrolment in this village.</summary>
    NotFound = 5,
}

[GenerateSerializer, Immutable, Alias("Villages.ReinstatementOutcome")]
public sealed record ReinstatementOutcome
{
    [Id(0)] public required string EnrollmentId { get; init; }
    [Id(1)] public required ReinstatementResult Result { get; init; }
    [Id(2)] public EnrollmentView? Enrollment { get; init; }
    /// <summary>Why not, in words, when not reinstated.</summary>
    [Id(3)] public string? Detail { get; init; }
}

[GenerateSerializer, Immutable, Alias("Villages.ReinstatementAnswer")]
public sealed record ReinstatementAnswer
{
    [Id(0)] public required int Year { get; init; }
    [Id(1)] public required int Reinstated { get; init; }
    [Id(2)] public required IReadOnlyList<ReinstatementOutcome> Results { get; init; }
    [Id(3), JsonIgnore] public Failure? Failure { get; init; }

    public static ReinstatementAnswer Of(int year, IReadOnlyList<ReinstatementOutcome> results) =>
        new() { Year = year, Results = results, Reinstated = results.Count(static r => r.Result == ReinstatementResult.Reinstated) };

    public static ReinstatementAnswer Refusal(int year, Failure failure) => Of(year, []) with { Failure = failure };
}
