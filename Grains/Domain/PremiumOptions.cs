using System.ComponentModel.DataAnnotations;

namespace Villages.Domain;

/// <summary>
/// Contribution rates, kept in configuration (`Villages:Premiums`) so a new regulation is a settings
/// change, not a release. Rates are in basis points (1% = 100) so money stays in whole rupiah.
/// Vulnerable workers are BPU (bukan penerima upah): JKK and JKM by PP 44/2015 as amended by
/// PP 82/2019 and PP 49/2023 (BPU amounts unchanged by the latter), JHT by PP 46/2015 as amended
/// by PP 60/2015. Village apparatus are wage earners (PU): <see cref="Apparatus"/>.
/// </summary>
public sealed class PremiumOptions : IValidatableObject
{
    public const string Section = "Villages:Premiums";

    /// <summary>JKK: 1% of the assessed monthly income (PP 44/2015, PP 82/2019, PP 49/2023).</summary>
    [Range(0, 10_000)]
    public int JkkRateBasisPoints { get; set; } = 100;

    /// <summary>
    /// Highest monthly JKK contribution. The income at which JKK reaches it (Rp20,700,000 at 1%) is the
    /// ceiling of the assessed income, so JHT shares it.
    /// </summary>
    [Range(0, 100_000_000)]
    public long JkkMaximum { get; set; } = 207_000;

    /// <summary>JKM: a flat monthly contribution.</summary>
    [Range(0, 100_000_000)]
    public long JkmMonthly { get; set; } = 6_800;

    /// <summary>JHT (optional for BPU): 2% of the same assessed income (PP 46/2015, PP 60/2015).</summary>
    [Range(0, 10_000)]
    public int JhtRateBasisPoints { get; set; } = 200;

    /// <summary>
    /// The lowest bracket, "up to Rp1,000,000": an income below it is assessed at it (so JKK is at
    /// least Rp10,000), never refused.
    /// </summary>
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

    /// <summary>Village apparatus (perangkat desa), priced as wage earners on their fixed allowance (siltap).</summary>
    public ApparatusPremiumOptions Apparatus { get; set; } = new();

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
        var apparatus = new List<ValidationResult>();
        Validator.TryValidateObject(Apparatus, new ValidationContext(Apparatus), apparatus, validateAllProperties: true);
        foreach (var result in apparatus)
        {
            yield return new ValidationResult(result.ErrorMessage, result.MemberNames.Select(static m => $"Apparatus:{m}"));
        }
    }
}

/// <summary>Incomes up to <see cref="UpTo"/> (inclusive) are assessed at <see cref="AssessedIncome"/>.</summary>
public sealed class IncomeBracket
{
    public long UpTo { get; set; }
    public long AssessedIncome { get; set; }
}

/// <summary>
/// Village apparatus (perangkat desa) are wage earners (PU) paid from the village budget: JKK
/// 0.24% and JKM 0.30% of the fixed allowance (siltap), JHT 5.7% when chosen (PP 44/2015, PP 46/2015
/// for wage earners). Pricing them with the BPU table would charge about three times too much.
/// Rates for BPD members and RT/RW heads are unconfirmed and not offered.
/// </summary>
public sealed class ApparatusPremiumOptions
{
    [Range(0, 10_000)]
    public int JkkRateBasisPoints { get; set; } = 24;

    [Range(0, 10_000)]
    public int JkmRateBasisPoints { get; set; } = 30;

    [Range(0, 10_000)]
    public int JhtRateBasisPoints { get; set; } = 570;

    /// <summary>A guard against typing errors in the allowance.</summary>
    [Range(1, 1_000_000_000_000)]
    public long MaximumAllowance { get; set; } = 100_000_000;
}
