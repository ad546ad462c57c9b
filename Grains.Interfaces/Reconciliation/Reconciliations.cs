namespace Villages;

/// <summary>What BPJS's result file says of a registration.</summary>
public enum BpjsVerdict
{
    /// <summary>Registered: the worker has a KPJ number from that day.</summary>
    Registered = 1,
    /// <summary>Refused by BPJS (data mismatch with Dukcapil, already registered elsewhere...), with its reason.</summary>
    Refused = 2,
}

/// <summary>One row of a BPJS result file. Carries a NIK and a KPJ: never log it.</summary>
[GenerateSerializer, Immutable, Alias("Villages.ReconciliationRow")]
public sealed record ReconciliationRow(
    [property: Id(0)] int Line,
    [property: Id(1)] string Nik,
    [property: Id(2)] string? Kpj,
    [property: Id(3)] BpjsVerdict Verdict,
    [property: Id(4)] DateOnly? RegisteredOn,
    [property: Id(5)] string? Reason)
{
    public override string ToString() => $"ReconciliationRow {{ Line = {Line}, Verdict = {Verdict} }}";
}

/// <summary>What became of one row of a result file.</summary>
public enum ReconciliationResult
{
    /// <summary>The enrolment now carries its KPJ and the day BPJS registered the worker.</summary>
    Matched = 1,
    /// <summary>Known already, as the file says: nothing changed (a file uploaded again).</summary>
    Unchanged = 2,
    /// <summary>BPJS refused the registration; the enrolment says so, with the reason.</summary>
    RefusedByBpjs = 3,
    /// <summary>BPJS has this worker, the ledger does not (in this regency).</summary>
    Unknown = 4,
    /// <summary>The KPJ is already another worker's.</summary>
    KpjConflict = 5,
    /// <summary>The row cannot be read, or repeats an earlier row of the file.</summary>
    Invalid = 6,
}

/// <summary>One row's result (the NIK masked).</summary>
[GenerateSerializer, Immutable, Alias("Villages.ReconciliationRowResult")]
public sealed record ReconciliationRowResult(
    [property: Id(0)] int Line,
    [property: Id(1)] string? VillageCode,
    [property: Id(2)] string? MaskedNik,
    [property: Id(3)] ReconciliationResult Result,
    [property: Id(4)] string? EnrollmentId,
    [property: Id(5)] string? Code,
    [property: Id(6)] string? Detail);

/// <summary>A reconciliation's progress and counts (at rest as well: the job's header row).</summary>
[GenerateSerializer, Immutable, Alias("Villages.ReconciliationStatus")]
public sealed record ReconciliationStatus : IJobStatus<ReconciliationStatus>
{
    [Id(0)] public required Guid Id { get; init; }
    [Id(1)] public required string Region { get; init; }
    [Id(2)] public required ImportState State { get; init; }
    [Id(3)] public required string FileName { get; init; }
    /// <summary>The token subject that uploaded it.</summary>
    [Id(4)] public required string Owner { get; init; }
    [Id(5)] public required int Rows { get; init; }
    [Id(6)] public int Processed { get; init; }
    [Id(7)] public int Matched { get; init; }
    [Id(8)] public int Unchanged { get; init; }
    [Id(9)] public int RefusedByBpjs { get; init; }
    [Id(10)] public int Unknown { get; init; }
    [Id(11)] public int KpjConflicts { get; init; }
    [Id(12)] public int Invalid { get; init; }
    [Id(13)] public required DateTimeOffset StartedAt { get; init; }
    [Id(14)] public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>The first rows of the per-row report, when asked for (GET with offset and limit); the CSV has them all.</summary>
    [Id(15)] public IReadOnlyList<ReconciliationRowResult>? Results { get; init; }

    public ReconciliationStatus Ended(ImportState state, DateTimeOffset at) => this with { State = state, FinishedAt = at };
}

/// <summary>
/// A BPJS branch's result file for a regency, matched back to the enrolments in the background:
/// KPJ numbers and confirmation dates recorded, refusals noted, unknown workers reported.
/// </summary>
[Alias("Villages.IReconciliationJobGrain")]
public interface IReconciliationJobGrain : IGrainWithGuidKey
{
    /// <summary>Starts the job (again: the status of the one already started).</summary>
    [Alias("Start")]
    Task<ReconciliationStatus> Start(string region, string fileName, IReadOnlyList<ReconciliationRow> rows, IReadOnlyList<ReconciliationRowResult> refused, Actor actor);

    [Alias("GetStatus")]
    Task<ReconciliationStatus?> GetStatus();

    [Alias("GetReport")]
    Task<IReadOnlyList<ReconciliationRowResult>> GetReport();
}
