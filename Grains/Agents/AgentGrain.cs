using Microsoft.Extensions.DependencyInjection;
using Villages.Domain;
using Villages.Regions;
using Villages.Storage;

namespace Villages.Agents;

/// <summary>Where an agent's record lives: the regency whose registry holds it.</summary>
[GenerateSerializer, Immutable, Alias("Villages.AgentHome")]
public sealed record AgentHome([property: Id(0)] string Regency);

/// <summary>
/// One PERISAI agent code. It remembers the regency whose registry holds the agent, so a code names
/// one agent nationwide, and it serialises changes to the agent (not reentrant). An agent moved to
/// another regency leaves the old registry before it is recorded in the new one: a crash in between
/// leaves the agent in neither (enrolments naming it are refused, never wrongly accepted) until the
/// same PUT is sent again, which finishes the move.
/// </summary>
[GrainType("agent")]
internal sealed class AgentGrain(
    [FromKeyedServices(StorageProvider.Name)] IGrainStorage storage,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    RegionCatalog catalog) : Grain, IAgentGrain
{
    private const string StateName = "agent";
    private GrainRows _rows = null!;
    private string? _regency;

    private string Code => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rows = new GrainRows(storage, this.GetGrainId());
        _regency = (await _rows.ReadAsync<AgentHome>(StateName))?.Regency;
    }

    public async Task<AgentOutcome> Register(AgentRequest request, Actor actor)
    {
        if (!AgentRules.TryValidate(Code, request, catalog, out var valid, out var failure)) return new AgentOutcome(null, false, failure);
        var regency = valid.Regency.Code;
        var created = _regency is null;
        AgentView? moved = null;
        if (_regency is { } old && old != regency) moved = await GrainFactory.AgentRegistry(old).Remove(Code);
        if (_regency != regency)
        {
            try
            {
                await _rows.WriteAsync(StateName, new AgentHome(regency));
            }
            catch
            {
                DeactivateOnIdle(); // the next activation reads where storage says the agent is
                throw;
            }
            _regency = regency;
        }
        var now = clock.GetUtcNow();
        var agent = await GrainFactory.AgentRegistry(regency).Put(new AgentView
        {
            Code = Code, Name = valid.Name, Region = valid.Region.Code, RegionName = valid.Region.Name, Status = valid.Status,
            RegisteredAt = moved?.RegisteredAt ?? now, UpdatedAt = now, UpdatedBy = actor.Subject,
        });
        return new AgentOutcome(agent, created, null);
    }

    public async Task<AgentView?> Get() => _regency is null ? null : await GrainFactory.AgentRegistry(_regency).Get(Code);
}
