using System.ComponentModel.DataAnnotations;

namespace Villages.Domain;

/// <summary>What the figures of a region keep (`Villages:Progress`, beside the rollups' timing).</summary>
public sealed class FigureOptions
{
    public const string Section = "Villages:Progress";

    /// <summary>Days of the enrolments-per-day series kept at every level.</summary>
    [Range(1, 3660)]
    public int DaysKept { get; set; } = 120;

    /// <summary>Agents kept per region, best first; exact while an agent works within one regency.</summary>
    [Range(1, 10_000)]
    public int TopAgents { get; set; } = 100;

    /// <summary>Most lagging villages kept per region; pages of the lagging list reach this far.</summary>
    [Range(1, 100_000)]
    public int LaggingKept { get; set; } = 500;

    /// <summary>Villages in arrears kept per region, worst first: a regency's whole list.</summary>
    [Range(1, 100_000)]
    public int ArrearsKept { get; set; } = 500;

    /// <summary>"Ending soon": coverage ending within this many days from today (today included), not renewed.</summary>
    [Range(1, 366)]
    public int EndingWindowDays { get; set; } = 30;
}
