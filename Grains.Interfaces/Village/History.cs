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

/// <summary>A change as shown: with the enrolment it concerns (if any) and its masked NIK.</summary>
[GenerateSerializer, Immutable, Alias("Villages.HistoryEntry")]
public sealed record HistoryEntry(
    [property: Id(0)] Change Change,
    [property: Id(1)] string? EnrollmentId,
    [property: Id(2)] string? MaskedNik);

[GenerateSerializer, Immutable, Alias("Villages.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] IReadOnlyList<HistoryEntry> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int Offset,
    [property: Id(3)] int Limit);
