namespace Villages;

/// <summary>What a change-only export says happened to a worker since the last export.</summary>
public enum ExportChange
{
    /// <summary>Enrolled (or enrolled again after an earlier coverage ended).</summary>
    New = 1,
    /// <summary>Renewed into a new budget year.</summary>
    Renewed = 2,
    /// <summary>Coverage ended: ran out, withdrawn, or terminated for arrears.</summary>
    Ended = 3,
}

/// <summary>
/// An active enrolment as a BPJS branch needs it for a collective registration: the NIK in full.
/// Only for callers allowed to see it, and never logged.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.EnrollmentExport")]
public sealed record EnrollmentExport
{
    [Id(0)] public required string EnrollmentId { get; init; }
    [Id(1)] public required string Nik { get; init; }
    [Id(2)] public required string Name { get; init; }
    [Id(3)] public required DateOnly BirthDate { get; init; }
    [Id(4)] public required bool Female { get; init; }
    [Id(5)] public required string Occupation { get; init; }
    [Id(6)] public required long MonthlyIncome { get; init; }
    [Id(7)] public required Programs Programs { get; init; }
    [Id(8)] public required long MonthlyPremium { get; init; }
    [Id(9)] public required int CoverageMonths { get; init; }
    [Id(10)] public required DateOnly CoverageStart { get; init; }
    [Id(11)] public required DateOnly CoverageEnd { get; init; }
    [Id(12)] public required DateTimeOffset EnrolledAt { get; init; }
    [Id(13)] public string? AgentId { get; init; }
    /// <summary>Who pays (the village's programme).</summary>
    [Id(14)] public FundingSource? FundingSource { get; init; }
    /// <summary>The BPJS participant number, once BPJS confirmed the registration.</summary>
    [Id(15)] public string? Kpj { get; init; }
    /// <summary>In a change-only export: what happened to the worker since the last export.</summary>
    [Id(16)] public ExportChange? Change { get; init; }

    public override string ToString() => $"EnrollmentExport {{ EnrollmentId = {EnrollmentId} }}";
}

/// <summary>
/// When a region's enrolments were last exported (keyed by region code): a change-only export
/// starts there, so BPJS receives each change once.
/// </summary>
[Alias("Villages.IExportWatermarkGrain")]
public interface IExportWatermarkGrain : IGrainWithStringKey
{
    [Alias("GetLast")]
    Task<DateTimeOffset?> GetLast();

    /// <summary>Records an export made up to this moment (never moves back).</summary>
    [Alias("Exported")]
    Task Exported(DateTimeOffset until);
}
