using System.ComponentModel.DataAnnotations;

namespace Villages.Village;

/// <summary>How a village lays its state out in storage (`Villages:Storage`).</summary>
public sealed class VillageStorageOptions
{
    public const string Section = "Villages:Storage";

    /// <summary>
    /// Enrolments per stored page: a write rewrites one page, so this bounds the bytes an enrolment
    /// costs whatever the village's size. 6 records with their audit entries (~280 bytes each, ~1.7 kB)
    /// keep a page under PostgreSQL's TOAST threshold (~2 kB), so a write is one in-place row update;
    /// 100 workers enrolled one by one are 17 pages, read in parallel when the village activates.
    /// A batch's new workers share larger pages of their own (one row write per batch).
    /// </summary>
    [Range(1, 250)]
    public int EnrollmentsPerPage { get; set; } = 6;
}
