namespace Villages;

/// <summary>Whether a PERISAI agent may be named on new enrolments.</summary>
public enum AgentStatus
{
    Active = 1,
    /// <summary>Left the campaign or suspended: new enrolments may not name them; what they enrolled stays theirs.</summary>
    Inactive = 2,
}

/// <summary>
/// A PERISAI agent as a registrar sends it (PUT /api/agents/{code}): the whole record, every member
/// required. Strings here so that a missing or wrong member is a clear problem from the rules.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.AgentRequest")]
public sealed record AgentRequest
{
    [Id(0)] public string? Name { get; init; }
    /// <summary>The regency (PP.RR) or district (PP.RR.DD) the agent works in.</summary>
    [Id(1)] public string? Region { get; init; }
    /// <summary>active or inactive.</summary>
    [Id(2)] public string? Status { get; init; }
}

/// <summary>A PERISAI agent of the registry.</summary>
[GenerateSerializer, Immutable, Alias("Villages.AgentView")]
public sealed record AgentView
{
    [Id(0)] public required string Code { get; init; }
    [Id(1)] public required string Name { get; init; }
    /// <summary>The regency or district the agent works in: enrolments may name them in its villages only.</summary>
    [Id(2)] public required string Region { get; init; }
    [Id(3)] public required string RegionName { get; init; }
    [Id(4)] public required AgentStatus Status { get; init; }
    [Id(5)] public required DateTimeOffset RegisteredAt { get; init; }
    [Id(6)] public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The token subject of the last change.</summary>
    [Id(7)] public required string UpdatedBy { get; init; }
}

/// <summary>A region's agents, by code, paged.</summary>
[GenerateSerializer, Immutable, Alias("Villages.AgentPage")]
public sealed record AgentPage(
    [property: Id(0)] IReadOnlyList<AgentView> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int Offset,
    [property: Id(3)] int Limit);

/// <summary>What registering or changing an agent did: the agent as recorded, or why not.</summary>
[GenerateSerializer, Immutable, Alias("Villages.AgentOutcome")]
public sealed record AgentOutcome(
    [property: Id(0)] AgentView? Agent,
    [property: Id(1)] bool Created,
    [property: Id(2)] Failure? Failure);
