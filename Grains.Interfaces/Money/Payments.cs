using System.Text.Json.Serialization;

namespace Villages;

/// <summary>
/// A payment to BPJS for some months of one programme: the payer's transfer reference (the key
/// that makes recording it again harmless), the day it was paid, the months it pays and the
/// amount. The programme is the year's only one of the cohort unless the funder (or cohort) is named.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.PaymentRequest")]
public sealed record PaymentRequest
{
    [Id(0)] public string? Reference { get; init; }
    /// <summary>yyyy-MM-dd, the day the money left the payer.</summary>
    [Id(1)] public string? PaidOn { get; init; }
    /// <summary>The months paid, yyyy-MM each.</summary>
    [Id(2)] public string[]? Months { get; init; }
    [Id(3)] public long? Amount { get; init; }
    [Id(4)] public string? FundingSource { get; init; }
    [Id(5)] public string? Cohort { get; init; }
}

/// <summary>What a month of a programme's contributions is, on a day.</summary>
public enum MonthStatus
{
    /// <summary>The month has not begun and nothing is paid for it yet.</summary>
    Upcoming = 1,
    /// <summary>Begun, not paid, its due date not passed.</summary>
    Due = 2,
    /// <summary>Paid in full (perhaps more: see overpaid).</summary>
    Paid = 3,
    /// <summary>Its due date passed without payment: in arrears.</summary>
    Late = 4,
    /// <summary>Paid in part; in arrears once its due date passed.</summary>
    Partial = 5,
}

/// <summary>One month of a programme: what is due to BPJS and by when, what was paid.</summary>
[GenerateSerializer, Immutable, Alias("Villages.MonthDueView")]
public sealed record MonthDueView
{
    /// <summary>yyyy-MM.</summary>
    [Id(0)] public required string Month { get; init; }
    [Id(1)] public required DateOnly DueDate { get; init; }
    [Id(2)] public required long AmountDue { get; init; }
    [Id(3)] public required long AmountPaid { get; init; }
    [Id(4)] public required MonthStatus Status { get; init; }
    /// <summary>Paid beyond what is due (shown, never absorbed).</summary>
    [Id(5)] public long Overpaid { get; init; }
    /// <summary>Workers whose contributions make the month's due.</summary>
    [Id(6)] public int Workers { get; init; }
    /// <summary>The last day a payment for the month was made.</summary>
    [Id(7)] public DateOnly? PaidOn { get; init; }
}

/// <summary>A payment as recorded, with what it was expected to be when it was recorded.</summary>
[GenerateSerializer, Immutable, Alias("Villages.PaymentView")]
public sealed record PaymentView
{
    [Id(0)] public required string Reference { get; init; }
    [Id(1)] public required DateOnly PaidOn { get; init; }
    [Id(2)] public required IReadOnlyList<string> Months { get; init; }
    [Id(3)] public required long Amount { get; init; }
    [Id(4)] public required DateTimeOffset RecordedAt { get; init; }
    /// <summary>What the months named still owed when it was recorded.</summary>
    [Id(5)] public required long Expected { get; init; }
    /// <summary>Amount minus expected: positive an overpayment, negative an underpayment.</summary>
    [Id(6)] public required long Difference { get; init; }
}

/// <summary>A programme's months, due and paid, its payments and its arrears on a day.</summary>
[GenerateSerializer, Immutable, Alias("Villages.DuesView")]
public sealed record DuesView
{
    [Id(0)] public required int Year { get; init; }
    /// <summary>As BPJS names it (SD, SA, SL), not in the API's kebab-case.</summary>
    [Id(1), JsonConverter(typeof(JsonStringEnumConverter<FundingSource>))] public required FundingSource FundingSource { get; init; }
    [Id(2)] public required Cohort Cohort { get; init; }
    [Id(3)] public required IReadOnlyList<MonthDueView> Months { get; init; }
    /// <summary>Months whose due date passed without full payment.</summary>
    [Id(4)] public required int InArrears { get; init; }
    [Id(5)] public required long AmountInArrears { get; init; }
    [Id(6)] public required long AmountDue { get; init; }
    [Id(7)] public required long AmountPaid { get; init; }
    [Id(8)] public required long Overpaid { get; init; }
    [Id(9)] public required IReadOnlyList<PaymentView> Payments { get; init; }
    /// <summary>Programmes of the first release were prepaid from the budget: their months count as paid.</summary>
    [Id(10)] public bool Prepaid { get; init; }
    /// <summary>More months than this in arrears end a worker's membership at the next WIB midnight.</summary>
    [Id(11)] public required int MonthsInArrearsAllowed { get; init; }
}

/// <summary>A payment's answer: the payment as recorded (or as it was, recorded before) and the programme's dues after it.</summary>
[GenerateSerializer, Immutable, Alias("Villages.PaymentOutcome")]
public sealed record PaymentOutcome
{
    [Id(0)] public PaymentView? Payment { get; init; }
    [Id(1)] public DuesView? Dues { get; init; }
    /// <summary>First time recorded (201), or the same payment again (200).</summary>
    [Id(2)] public bool Created { get; init; }
    [Id(3), JsonIgnore] public Failure? Failure { get; init; }
}

/// <summary>A programme's dues, or why there is none to show (no such programme, several to choose from).</summary>
[GenerateSerializer, Immutable, Alias("Villages.DuesOutcome")]
public sealed record DuesOutcome([property: Id(0)] DuesView? Dues, [property: Id(1)] Failure? Failure);
