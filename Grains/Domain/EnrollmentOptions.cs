using System.ComponentModel.DataAnnotations;

namespace Villages.Domain;

/// <summary>
/// Who may be enrolled and how a request is bounded. The age limits come from regency rules
/// seen in the field (DOMAIN.md) and are configuration, not law: `Villages:Enrollment`.
/// </summary>
public sealed class EnrollmentOptions : IValidatableObject
{
    public const string Section = "Villages:Enrollment";

    /// <summary>Oldest age at enrolment (regency rules: 65).</summary>
    [Range(1, 150)]
    public int MaximumAgeYears { get; set; } = 65;

    /// <summary>Youngest age at enrolment. Unconfirmed: 15, the lowest working age in UU 13/2003 for light work.</summary>
    [Range(0, 150)]
    public int MinimumAgeYears { get; set; } = 15;

    [Range(1, 1000)]
    public int MaximumNameLength { get; set; } = 100;

    /// <summary>Rows in one batch call; a regency file goes through the background import instead.</summary>
    [Range(1, 10_000)]
    public int MaximumBatchSize { get; set; } = 1000;

    /// <summary>
    /// The occupations a worker can be recorded with (codes in Bahasa Indonesia); a closed list keeps
    /// the per-occupation figures meaningful. Empty means <see cref="DefaultOccupations"/>: a
    /// configured list replaces the defaults (configuration binding would otherwise append to them).
    /// </summary>
    public List<string> Occupations { get; set; } = [];

    /// <summary>The campaign's vulnerable informal workers; "lainnya" takes everything else.</summary>
    public static readonly IReadOnlyList<string> DefaultOccupations =
    [
        "nelayan", "pemulung", "marbot", "petani", "buruh-tani", "pedagang-kecil", "peternak",
        "pengrajin", "buruh-harian", "ojek", "pekerja-rumah-tangga", "guru-ngaji", "kader", "lainnya",
    ];

    public IReadOnlyList<string> AllowedOccupations => Occupations.Count > 0 ? Occupations : DefaultOccupations;

    /// <summary>
    /// The positions of village apparatus (perangkat desa, UU 6/2014): recorded as their occupation.
    /// Empty means <see cref="DefaultPositions"/>.
    /// </summary>
    public List<string> ApparatusPositions { get; set; } = [];

    public static readonly IReadOnlyList<string> DefaultPositions =
    [
        "kepala-desa", "sekretaris-desa", "kepala-urusan", "kepala-seksi", "kepala-dusun", "staf-desa",
    ];

    public IReadOnlyList<string> AllowedPositions => ApparatusPositions.Count > 0 ? ApparatusPositions : DefaultPositions;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinimumAgeYears > MaximumAgeYears)
        {
            yield return new ValidationResult("must not be above MaximumAgeYears.", [nameof(MinimumAgeYears)]);
        }
        if (Occupations.Any(static o => string.IsNullOrWhiteSpace(o) || o != o.Trim().ToLowerInvariant().Replace(' ', '-')))
        {
            yield return new ValidationResult("are lower-case codes without spaces (e.g. buruh-tani).", [nameof(Occupations)]);
        }
    }
}
