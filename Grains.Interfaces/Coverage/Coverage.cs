using System.Text.Json.Serialization;

namespace Villages;

/// <summary>"Was this worker covered on that day?" (a death or work accident is a claim event). The NIK only in the body.</summary>
public sealed record CoverageLookup(string? Nik, DateOnly? Date)
{
    public override string ToString() => $"CoverageLookup {{ Date = {Date} }}";
}

/// <summary>Where and how a worker was covered on a day, or not.</summary>
[GenerateSerializer, Immutable, Alias("Villages.CoverageAnswer")]
public sealed record CoverageAnswer
{
    [Id(0)] public required bool Covered { get; init; }
    [Id(1)] public required DateOnly Date { get; init; }
    [Id(2), JsonPropertyName("nik")] public required string MaskedNik { get; init; }
    [Id(3)] public string? VillageCode { get; init; }
    [Id(4)] public string? EnrollmentId { get; init; }
    [Id(5)] public int? Year { get; init; }
    [Id(6), JsonConverter(typeof(JsonStringEnumConverter<FundingSource>))] public FundingSource? FundingSource { get; init; }
    [Id(7)] public Cohort? Cohort { get; init; }
    [Id(8)] public DateOnly? CoverageStart { get; init; }
    [Id(9)] public DateOnly? CoverageEnd { get; init; }
    [Id(10)] public string[]? Programs { get; init; }
    /// <summary>The enrolment's status on that day.</summary>
    [Id(11)] public EnrollmentStatus? Status { get; init; }
    /// <summary>The BPJS participant number, masked, once BPJS confirmed the registration.</summary>
    [Id(12), JsonPropertyName("kpj")] public string? MaskedKpj { get; init; }
    /// <summary>Registered by the village only, or confirmed (or refused) by BPJS.</summary>
    [Id(13)] public BpjsRegistration? Bpjs { get; init; }
}

/// <summary>One coverage question as the audit trail keeps it: who asked, about whom (masked), for which day, and the answer.</summary>
[GenerateSerializer, Immutable, Alias("Villages.CoverageLookupEntry")]
public sealed record CoverageLookupEntry
{
    [Id(0)] public required DateTimeOffset At { get; init; }
    [Id(1)] public required string Subject { get; init; }
    [Id(2)] public required string Role { get; init; }
    [Id(3)] public string? TraceId { get; init; }
    [Id(4), JsonPropertyName("nik")] public required string MaskedNik { get; init; }
    [Id(5)] public required DateOnly Date { get; init; }
    [Id(6)] public required bool Covered { get; init; }
    [Id(7)] public string? VillageCode { get; init; }
}

[GenerateSerializer, Immutable, Alias("Villages.CoverageLookupPage")]
public sealed record CoverageLookupPage(
    [property: Id(0)] IReadOnlyList<CoverageLookupEntry> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int Offset,
    [property: Id(3)] int Limit);

/// <summary>
/// Answers "was this worker covered on that day?" from the ledger: every village that ever held the
/// worker (the national registry's history) is asked; every question is recorded in the audit trail.
/// </summary>
[Alias("Villages.ICoverageLookupGrain")]
public interface ICoverageLookupGrain : IGrainWithIntegerKey
{
    /// <summary>The NIK is valid (the caller checked it); the answer masks it.</summary>
    [Alias("Lookup")]
    Task<CoverageAnswer> Lookup(string nik, DateOnly date, Actor actor);
}

/// <summary>The coverage questions of one month (key "2026-11"), in the order they were asked. Append-only.</summary>
[Alias("Villages.ICoverageAuditGrain")]
public interface ICoverageAuditGrain : IGrainWithStringKey
{
    [Alias("Record")]
    Task Record(CoverageLookupEntry entry);

    [Alias("List")]
    Task<CoverageLookupPage> List(int offset, int limit);
}
