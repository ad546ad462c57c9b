namespace Villages.Domain;

/// <summary>Defaults and sanity bounds of a village programme (`Villages:Program`).</summary>
public sealed class ProgramOptions
{
    public const string Section = "Villages:Program";

    /// <summary>The campaign's goal: 100 workers a village.</summary>
    public int DefaultTargetWorkers { get; set; } = 100;

    /// <summary>A village usually prepays 12 months (sometimes 6).</summary>
    public int DefaultCoverageMonths { get; set; } = 12;

    public int MaximumTargetWorkers { get; set; } = 10_000;

    /// <summary>Prepaid blocks stay inside one budget year.</summary>
    public int MaximumCoverageMonths { get; set; } = 12;

    /// <summary>Rp100 billion: far above any village budget, below what a typo produces.</summary>
    public long MaximumBudget { get; set; } = 100_000_000_000;
}
