using System.Collections.Immutable;

namespace Villages.Domain;

/// <summary>One programme of a village: a budget year, a cohort and a funder, with its terms and what was paid to BPJS for it.</summary>
public sealed record Programme(ProgramKey Key, ProgramTerms Terms, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Payments to BPJS for its months, in the order they were recorded.</summary>
    public ImmutableArray<Payment> Payments { get; init; } = [];

    /// <summary>
    /// A programme of the first release, which committed the budget as prepaid: its months count as
    /// paid, so data stored before payments were kept is never taken for arrears.
    /// </summary>
    public bool Prepaid { get; init; }

    public Payment? FindPayment(string reference) => Payments.FirstOrDefault(p => p.Reference == reference);
}

/// <summary>
/// A payment to BPJS for months of one programme: the payer's reference, the day paid, the months
/// (first days, ascending, distinct) and the amount, and when the ledger learned of it, which is
/// what a termination at midnight can take into account; with what its months still owed then.
/// </summary>
public sealed record Payment(string Reference, DateOnly PaidOn, ImmutableArray<DateOnly> Months, long Amount, DateTimeOffset RecordedAt, long Expected)
{
    public DateOnly RecordedOn => CoverageCalendar.LocalDate(RecordedAt);

    /// <summary>The same payment as asked again: same day, months and amount.</summary>
    public bool SameAs(DateOnly paidOn, IReadOnlyList<DateOnly> months, long amount) =>
        PaidOn == paidOn && Amount == amount && Months.SequenceEqual(months);
}
