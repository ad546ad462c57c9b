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

[GenerateSerializer, Immutable, Alias("Villages.ImportStatus")]
public sealed record ImportStatus(
    [property: Id(0)] Guid Id,
    [property: Id(1)] ImportState State,
    [property: Id(2)] string FileName,
    [property: Id(3)] string Owner,
    [property: Id(4)] int Rows,
    [property: Id(5)] int Processed,
    [property: Id(6)] int Created,
    [property: Id(7)] int Unchanged,
    [property: Id(8)] int Repriced,
    [property: Id(9)] int Updated,
    [property: Id(10)] int Rejected,
    [property: Id(11)] DateTimeOffset StartedAt,
    [property: Id(12)] DateTimeOffset? FinishedAt);

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
