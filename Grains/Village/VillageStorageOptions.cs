namespace Villages.Village;

/// <summary>How a village lays its state out in storage (`Villages:Storage`).</summary>
public sealed class VillageStorageOptions
{
    public const string Section = "Villages:Storage";

    /// <summary>The grain storage provider every grain of this product uses.</summary>
    public const string ProviderName = "villages";

    /// <summary>
    /// Enrolments per stored page: a write rewrites one page, so this bounds the bytes an enrolment
    /// costs whatever the village's size. 50 keeps the campaign's 100 workers in two pages.
    /// </summary>
    public int EnrollmentsPerPage { get; set; } = 50;
}
