using System.ComponentModel.DataAnnotations;

namespace Villages.Domain;

/// <summary>Defaults and sanity bounds of a village programme (`Villages:Program`).</summary>
public sealed class ProgramOptions
{
    public const string Section = "Villages:Program";

    /// <summary>The campaign's goal: 100 workers a village.</summary>
    [Range(1, 1_000_000)]
    public int DefaultTargetWorkers { get; set; } = 100;

    /// <summary>A village usually prepays 12 months (sometimes 6).</summary>
    [Range(1, 120)]
    public int DefaultCoverageMonths { get; set; } = 12;

    [Range(1, 1_000_000)]
    public int MaximumTargetWorkers { get; set; } = 10_000;

    /// <summary>Prepaid blocks stay inside one budget year.</summary>
    [Range(1, 120)]
    public int MaximumCoverageMonths { get; set; } = 12;

    /// <summary>Rp100 billion: far above any village budget, below what a typo produces.</summary>
    [Range(1, long.MaxValue)]
    public long MaximumBudget { get; set; } = 100_000_000_000;

    /// <summary>Budget years back from this one a programme may still be opened or changed in (corrections).</summary>
    [Range(0, 10)]
    public int YearsBack { get; set; } = 2;

    /// <summary>Budget years ahead a programme may be opened for (next year's APBDes is planned in this one).</summary>
    [Range(0, 5)]
    public int YearsAhead { get; set; } = 1;
}
