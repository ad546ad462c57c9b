namespace Villages;

/// <summary>A regency's renewal job: every village of the region renews its previous year's workers into a year's programme.</summary>
[GenerateSerializer, Immutable, Alias("Villages.RenewalJobStatus")]
public sealed record RenewalJobStatus : IJobStatus<RenewalJobStatus>
{
    [Id(0)] public required Guid Id { get; init; }
    [Id(1)] public required ImportState State { get; init; }
    [Id(2)] public required string Region { get; init; }
    [Id(3)] public required int Year { get; init; }
    /// <summary>The token subject that started it: only they (and national monitors) may see it.</summary>
    [Id(4)] public required string Owner { get; init; }
    [Id(5)] public required int Villages { get; init; }
    [Id(6)] public int VillagesDone { get; init; }
    /// <summary>Villages that renewed nothing because they have no programme for the year (or could not be reached).</summary>
    [Id(7)] public int VillagesRefused { get; init; }
    [Id(8)] public int Workers { get; init; }
    [Id(9)] public int Renewed { get; init; }
    [Id(10)] public int AlreadyRenewed { get; init; }
    [Id(11)] public int HeldElsewhere { get; init; }
    [Id(12)] public int OverBudget { get; init; }
    [Id(13)] public int Refused { get; init; }
    [Id(14)] public required DateTimeOffset StartedAt { get; init; }
    [Id(15)] public DateTimeOffset? FinishedAt { get; init; }

    public RenewalJobStatus Ended(ImportState state, DateTimeOffset at) => this with { State = state, FinishedAt = at };
}

/// <summary>One line of a renewal job's report: a worker's result, or a village's refusal.</summary>
[GenerateSerializer, Immutable, Alias("Villages.RenewalJobRow")]
public sealed record RenewalJobRow(
    [property: Id(0)] string VillageCode,
    [property: Id(1)] string? EnrollmentId,
    [property: Id(2)] string? MaskedNik,
    [property: Id(3)] RenewalResult Result,
    [property: Id(4)] string? Code,
    [property: Id(5)] string? Detail);

[Alias("Villages.IRenewalJobGrain")]
public interface IRenewalJobGrain : IGrainWithGuidKey
{
    /// <summary>Starts the job (again: returns the status of the one already started).</summary>
    [Alias("Start")]
    Task<RenewalJobStatus> Start(string regionCode, int year, Actor actor);

    [Alias("GetStatus")]
    Task<RenewalJobStatus?> GetStatus();

    [Alias("GetReport")]
    Task<IReadOnlyList<RenewalJobRow>> GetReport();
}
