using System.Collections.Immutable;
using System.Globalization;

namespace Villages.Domain;

/// <summary>A payment request read and checked: the reference trimmed, the months as first days, ascending.</summary>
public sealed record ValidPayment(string Reference, DateOnly PaidOn, ImmutableArray<DateOnly> Months, long Amount);

/// <summary>The checks on a payment request before the ledger sees it (which programme's months it pays is the ledger's).</summary>
public static class PaymentRules
{
    /// <summary>A year of months in one transfer, twice over: a prepaid block is at most 12.</summary>
    public const int MaximumMonths = 24;

    public static bool TryValidate(PaymentRequest request, DateOnly today, DuesRules rules, out ValidPayment payment, out Failure failure)
    {
        payment = null!;
        failure = null!;
        var reference = request.Reference?.Trim();
        if (string.IsNullOrEmpty(reference) || reference.Length > rules.MaximumReferenceLength || reference.Any(static c => char.IsControl(c)))
        {
            failure = Invalid($"reference is required: the transfer's reference, up to {rules.MaximumReferenceLength} characters.", "reference");
            return false;
        }
        if (!DateOnly.TryParseExact(request.PaidOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var paidOn))
        {
            failure = Invalid("paidOn is required: the day the money was paid, yyyy-MM-dd.", "paidOn");
            return false;
        }
        if (paidOn > today || paidOn < today.AddYears(-3))
        {
            failure = Invalid($"paidOn {paidOn:yyyy-MM-dd} is {(paidOn > today ? "in the future" : "more than three years ago")}.", "paidOn");
            return false;
        }
        if (request.Months is not { Length: > 0 and <= MaximumMonths } texts)
        {
            failure = Invalid($"months is required: the months paid, yyyy-MM each, 1 to {MaximumMonths}.", "months");
            return false;
        }
        var months = new SortedSet<DateOnly>();
        foreach (var text in texts)
        {
            if (!DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month) || !months.Add(month))
            {
                failure = Invalid($"'{Shorten(text)}' is not a month (yyyy-MM), or is named twice.", "months");
                return false;
            }
        }
        if (request.Amount is not { } amount || amount <= 0 || amount > rules.MaximumPayment)
        {
            failure = Invalid($"amount is required: whole rupiah above zero, at most {Rupiah.Format(rules.MaximumPayment)}.", "amount");
            return false;
        }
        payment = new ValidPayment(reference, paidOn, [.. months], amount);
        return true;
    }

    private static string Shorten(string? text) => text is null ? "null" : text.Length > 20 ? text[..20] + "..." : text;

    private static Failure Invalid(string detail, string field) => new(FailureCode.InvalidPayment, detail, field);
}
