using Orleans.Concurrency;

namespace Villages;

/// <summary>
/// One PERISAI agent, keyed by its code: where in the registry it lives (its regency). Registering
/// and changing go through here, one call at a time per code, so a code names one agent nationwide
/// and moving an agent to another regency takes it out of the old one first.
/// </summary>
[Alias("Villages.IAgentGrain")]
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Registers the agent (created) or records its new name, region or status; the same record again changes nothing.</summary>
    [Alias("Register")]
    Task<AgentOutcome> Register(AgentRequest request, Actor actor);

    /// <summary>The agent as registered; null when the code was never registered.</summary>
    [Alias("Get")]
    Task<AgentView?> Get();
}

/// <summary>
/// The PERISAI agents of one regency (its districts' included), keyed by the regency code: what
/// enrolments in its villages are checked against. Written only by <see cref="IAgentGrain"/>.
/// </summary>
[Alias("Villages.IAgentRegistryGrain")]
public interface IAgentRegistryGrain : IGrainWithStringKey
{
    /// <summary>Records the agent as given (keeping the date it was first registered here); an unchanged record writes nothing.</summary>
    [Alias("Put")]
    Task<AgentView> Put(AgentView agent);

    /// <summary>Takes an agent out (it moved to another regency); returns it as it was.</summary>
    [Alias("Remove")]
    Task<AgentView?> Remove(string code);

    [ReadOnly, Alias("Get")]
    Task<AgentView?> Get(string code);

    /// <summary>The agents registered for the region (the regency, or one of its districts), by code.</summary>
    [ReadOnly, Alias("List")]
    Task<AgentPage> List(string regionCode, AgentStatus? status, int offset, int limit);

    /// <summary>
    /// For each code, in order: null when new enrolments in the village may name that agent (active,
    /// registered for a region containing it), else why not.
    /// </summary>
    [ReadOnly, Alias("Check")]
    Task<IReadOnlyList<Failure?>> Check(IReadOnlyList<string> codes, string villageCode);
}
