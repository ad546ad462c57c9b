namespace Villages;

/// <summary>Who made a change: the token's subject and the role it acted in, and the request's trace.</summary>
[GenerateSerializer, Immutable, Alias("Villages.Actor")]
public sealed record Actor(
    [property: Id(0)] string Subject,
    [property: Id(1)] string Role,
    [property: Id(2)] string? TraceId);

public enum ChangeKind
{
    ProgramOpened = 1,
    ProgramChanged = 2,
    Enrolled = 3,
    Repriced = 4,
    Updated = 5,
    Withdrawn = 6,
    /// <summary>A new period of coverage from another budget year's programme.</summary>
    Renewed = 7,
    /// <summary>A payment to BPJS recorded for some months of a programme.</summary>
    PaymentRecorded = 8,
    /// <summary>Membership ended for arrears (berakhir kepesertaan), at WIB midnight, by the rules.</summary>
    Terminated = 9,
    /// <summary>A BPJS branch restored a terminated membership.</summary>
    Reinstated = 10,
    /// <summary>BPJS's result file confirmed (or refused) the registration.</summary>
    Reconciled = 11,
}

/// <summary>
/// One entry of a village's audit trail. Entries are only ever appended, and each is written in
/// the same row write as the change it describes, so the trail and the ledger cannot disagree.
/// No personal data in clear: the worker is named by enrolment id (and masked NIK when shown).
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.Change")]
public sealed record Change(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] ChangeKind Kind,
    [property: Id(2)] string Subject,
    [property: Id(3)] string Role,
    [property: Id(4)] string? TraceId,
    [property: Id(5)] long BudgetDelta,
    [property: Id(6)] string What);

/// <summary>
/// An entry of the audit trail as shown: the change, who made it, and the enrolment it concerns
/// (by id and masked NIK) when it concerns one.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.HistoryEntry")]
public sealed record HistoryEntry
{
    [Id(0)] public required DateTimeOffset At { get; init; }
    [Id(1)] public required ChangeKind Kind { get; init; }
    [Id(2)] public required HistoryActor Actor { get; init; }
    [Id(3)] public string? TraceId { get; init; }
    [Id(4)] public string? EnrollmentId { get; init; }
    /// <summary>The NIK masked, when the entry concerns a worker.</summary>
    [Id(5), System.Text.Json.Serialization.JsonPropertyName("nik")] public string? MaskedNik { get; init; }
    /// <summary>What the change did to the committed budget (negative: returned to it).</summary>
    [Id(6)] public required long BudgetDelta { get; init; }
    /// <summary>What changed, in words: amounts before and after, never a name or a NIK.</summary>
    [Id(7)] public required string What { get; init; }

    public static HistoryEntry Of(Change change, string? enrollmentId = null, string? maskedNik = null) => new()
    {
        At = change.At, Kind = change.Kind, Actor = new HistoryActor(change.Subject, change.Role), TraceId = change.TraceId,
        EnrollmentId = enrollmentId, MaskedNik = maskedNik, BudgetDelta = change.BudgetDelta, What = change.What,
    };
}

/// <summary>Who made a change, as the audit trail shows it.</summary>
[GenerateSerializer, Immutable, Alias("Villages.HistoryActor")]
public sealed record HistoryActor([property: Id(0)] string Subject, [property: Id(1)] string Role);

[GenerateSerializer, Immutable, Alias("Villages.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] IReadOnlyList<HistoryEntry> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int Offset,
    [property: Id(3)] int Limit);
