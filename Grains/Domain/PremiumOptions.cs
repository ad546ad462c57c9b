using System.ComponentModel.DataAnnotations;

namespace Villages.Domain;

/// <summary>
/// BPU contribution rates (PP 44/2015 as amended by PP 82/2019; PP 46/2015 for JHT), kept in
/// configuration (`Villages:Premiums`) so a new regulation is a settings change, not a release.
/// Rates are in basis points (1% = 100) so money stays in whole rupiah.
/// </summary>
public sealed class PremiumOptions : IValidatableObject
{
    public const string Section = "Villages:Premiums";

    /// <summary>JKK: 1% of the declared monthly income.</summary>
    [Range(0, 10_000)]
    public int JkkRateBasisPoints { get; set; } = 100;

    /// <summary>Highest monthly JKK contribution.</summary>
    [Range(0, 100_000_000)]
    public long JkkMaximum { get; set; } = 207_000;

    /// <summary>JKM: a flat monthly contribution.</summary>
    [Range(0, 100_000_000)]
    public long JkmMonthly { get; set; } = 6_800;

    /// <summary>JHT (optional for BPU): 2% of the declared monthly income.</summary>
    [Range(0, 10_000)]
    public int JhtRateBasisPoints { get; set; } = 200;

    /// <summary>Lowest declared monthly income (so JKK is at least Rp10,000).</summary>
    [Range(1, long.MaxValue)]
    public long MinimumDeclaredIncome { get; set; } = 1_000_000;

    /// <summary>A guard against typing errors (an extra zero or three), not a regulation.</summary>
    [Range(1, 1_000_000_000_000)]
    public long MaximumDeclaredIncome { get; set; } = 100_000_000;

    /// <summary>
    /// The income bracket table of the PP's annex is unconfirmed: when brackets are configured, a
    /// declared income is assessed at its bracket's nominal income before the rates apply. Empty
    /// (the default) assesses the declared income itself.
    /// </summary>
    public List<IncomeBracket> IncomeBrackets { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinimumDeclaredIncome > MaximumDeclaredIncome)
        {
            yield return new ValidationResult("must not be above MaximumDeclaredIncome.", [nameof(MinimumDeclaredIncome)]);
        }
        if (IncomeBrackets.Any(static b => b.UpTo < 1 || b.AssessedIncome < 1))
        {
            yield return new ValidationResult("need a positive UpTo and AssessedIncome each.", [nameof(IncomeBrackets)]);
        }
    }
}

/// <summary>Incomes up to <see cref="UpTo"/> (inclusive) are assessed at <see cref="AssessedIncome"/>.</summary>
public sealed class IncomeBracket
{
    public long UpTo { get; set; }
    public long AssessedIncome { get; set; }
}
