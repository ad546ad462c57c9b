namespace Villages;

/// <summary>One row of a bulk import: the village it enrols into and the worker. Carries a NIK: never log it.</summary>
[GenerateSerializer, Immutable, Alias("Villages.ImportRow")]
public sealed record ImportRow(
    [property: Id(0)] int Row,
    [property: Id(1)] string VillageCode,
    [property: Id(2)] EnrollmentRequest Request)
{
    public override string ToString() => $"ImportRow {{ Row = {Row}, VillageCode = {VillageCode} }}";
}

/// <summary>What became of one row (the NIK masked).</summary>
[GenerateSerializer, Immutable, Alias("Villages.ImportRowResult")]
public sealed record ImportRowResult(
    [property: Id(0)] int Row,
    [property: Id(1)] string? VillageCode,
    [property: Id(2)] string? MaskedNik,
    [property: Id(3)] EnrollmentResult Result,
    [property: Id(4)] string? EnrollmentId,
    [property: Id(5)] string? Code,
    [property: Id(6)] string? Detail);

public enum ImportState
{
    Running = 1,
    Completed = 2,
    /// <summary>The silo running it stopped; rows done are kept, the file can be uploaded again (it is idempotent).</summary>
    Interrupted = 3,
}

/// <summary>An import's progress and counts (at rest as well: the job's header row).</summary>
[GenerateSerializer, Immutable, Alias("Villages.ImportStatus")]
public sealed record ImportStatus
{
    [Id(0)] public required Guid Id { get; init; }
    [Id(1)] public required ImportState State { get; init; }
    [Id(2)] public required string FileName { get; init; }
    /// <summary>The token subject that started it: only they (and national monitors) may see it.</summary>
    [Id(3)] public required string Owner { get; init; }
    [Id(4)] public required int Rows { get; init; }
    [Id(5)] public int Processed { get; init; }
    [Id(6)] public int Created { get; init; }
    [Id(7)] public int Unchanged { get; init; }
    [Id(8)] public int Repriced { get; init; }
    [Id(9)] public int Updated { get; init; }
    [Id(10)] public int Rejected { get; init; }
    [Id(11)] public required DateTimeOffset StartedAt { get; init; }
    [Id(12)] public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary>
/// A bulk import (a regency's file, many villages) running in the background: each village's rows
/// go to that village as one batch, progress and per-row results are kept as it goes.
/// </summary>
[Alias("Villages.IImportJobGrain")]
public interface IImportJobGrain : IGrainWithGuidKey
{
    /// <summary>Starts the job (again: returns the status of the one already started).</summary>
    [Alias("Start")]
    Task<ImportStatus> Start(string fileName, IReadOnlyList<ImportRow> rows, IReadOnlyList<ImportRowResult> refused, Actor actor);

    [Alias("GetStatus")]
    Task<ImportStatus?> GetStatus();

    [Alias("GetReport")]
    Task<IReadOnlyList<ImportRowResult>> GetReport();
}
