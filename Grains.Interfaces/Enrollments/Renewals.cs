using System.Text.Json.Serialization;

namespace Villages;

/// <summary>
/// Renew the previous period's workers into a year's programme: all of them (no ids), or the
/// enrolments named. The funder is the one each worker had, when the year has it; say another here.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.RenewalRequest")]
public sealed record RenewalRequest
{
    [Id(0)] public string[]? EnrollmentIds { get; init; }
    [Id(1)] public string? FundingSource { get; init; }
}

/// <summary>What became of one worker's renewal.</summary>
public enum RenewalResult
{
    /// <summary>A new period in the year's programme, from the day after the old one ends (or today, after a gap).</summary>
    Renewed = 1,
    /// <summary>Already in that year's programme: nothing to do (renewing again changes nothing).</summary>
    AlreadyRenewed = 2,
    /// <summary>Another village covers the worker now: they cannot be renewed here.</summary>
    HeldElsewhere = 3,
    /// <summary>The programme's budget left does not pay for the period.</summary>
    OverBudget = 4,
    /// <summary>Withdrawn or terminated, or nothing to renew into: see the problem.</summary>
    Refused = 5,
}

[GenerateSerializer, Immutable, Alias("Villages.RenewalOutcome")]
public sealed record RenewalOutcome
{
    [Id(0)] public required string EnrollmentId { get; init; }
    [Id(1), JsonPropertyName("nik")] public required string MaskedNik { get; init; }
    [Id(2)] public required RenewalResult Result { get; init; }
    [Id(3)] public EnrollmentView? Enrollment { get; init; }
    [Id(4), JsonIgnore] public Failure? Failure { get; init; }

    /// <summary>Why not renewed, as a problem's code (its type's last segment) and detail.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RenewalProblem? Problem => Failure is null ? null : new RenewalProblem(Failure.Code.Slug(), Failure.Detail);
}

/// <summary>A worker's refusal in a renewal answer.</summary>
public sealed record RenewalProblem(string Code, string Detail);

/// <summary>A renewal's answer: counts by result and one row per worker considered.</summary>
[GenerateSerializer, Immutable, Alias("Villages.RenewalAnswer")]
public sealed record RenewalAnswer
{
    [Id(0)] public required int Year { get; init; }
    [Id(1)] public required int Workers { get; init; }
    [Id(2)] public required int Renewed { get; init; }
    [Id(3)] public required int AlreadyRenewed { get; init; }
    [Id(4)] public required int HeldElsewhere { get; init; }
    [Id(5)] public required int OverBudget { get; init; }
    [Id(6)] public required int Refused { get; init; }
    [Id(7)] public required IReadOnlyList<RenewalOutcome> Results { get; init; }
    /// <summary>When the whole request is refused (no programme that year, an id of another village), why; nothing was renewed.</summary>
    [Id(8), JsonIgnore] public Failure? Failure { get; init; }

    public static RenewalAnswer Of(int year, IReadOnlyList<RenewalOutcome> results) => new()
    {
        Year = year, Workers = results.Count, Results = results,
        Renewed = results.Count(static r => r.Result == RenewalResult.Renewed),
        AlreadyRenewed = results.Count(static r => r.Result == RenewalResult.AlreadyRenewed),
        HeldElsewhere = results.Count(static r => r.Result == RenewalResult.HeldElsewhere),
        OverBudget = results.Count(static r => r.Result == RenewalResult.OverBudget),
        Refused = results.Count(static r => r.Result == RenewalResult.Refused),
    };

    public static RenewalAnswer Refusal(int year, Failure failure) => Of(year, []) with { Failure = failure };
}
