using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Villages.Domain;
using Villages.Privacy;
using Villages.Regions;
using Villages.Storage;

namespace Villages.Agents;

/// <summary>An agent at rest: the name sealed like a worker's (personal data), the rest in clear.</summary>
[GenerateSerializer, Immutable, Alias("Villages.AgentRow")]
public sealed record AgentRow(
    [property: Id(0)] string Code,
    [property: Id(1)] byte[] SealedName,
    [property: Id(2)] string Region,
    [property: Id(3)] AgentStatus Status,
    [property: Id(4)] DateTimeOffset RegisteredAt,
    [property: Id(5)] DateTimeOffset UpdatedAt,
    [property: Id(6)] string UpdatedBy);

[GenerateSerializer, Immutable, Alias("Villages.AgentRowPage")]
public sealed record AgentRowPage([property: Id(0)] AgentRow[] Agents);

[GenerateSerializer, Immutable, Alias("Villages.AgentRegistryHeader")]
public sealed record AgentRegistryHeader([property: Id(0)] int Pages);

/// <summary>
/// The PERISAI agents of one regency. A few thousand at most, kept in memory and at rest in pages
/// of <see cref="PageSize"/> (a header row counts them, so they load in parallel): an agent keeps its
/// page, so registering or changing one rewrites one small row. Reads (the enrolment check among
/// them) interleave with each other; a change waits for them and they for it.
/// </summary>
[GrainType("agent-registry")]
internal sealed partial class AgentRegistryGrain(
    [FromKeyedServices(StorageProvider.Name)] IGrainStorage storage,
    PersonalDataProtector protector,
    RegionCatalog catalog,
    ILogger<AgentRegistryGrain> logger) : Grain, IAgentRegistryGrain
{
    private const string HeaderName = "agents";
    private const int PageSize = 50;
    private readonly Dictionary<string, Held> _agents = new(StringComparer.Ordinal);
    private readonly List<List<string>> _pages = [];
    private GrainRows _rows = null!;
    private AgentView[]? _byCode;

    private string Regency => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!catalog.TryGet(Regency, out var regency) || regency.Level != RegionLevel.Regency)
        {
            throw new ArgumentException($"'{Regency}' is not a regency code of the reference data.");
        }
        _rows = new GrainRows(storage, this.GetGrainId());
        var header = await _rows.ReadAsync<AgentRegistryHeader>(HeaderName);
        foreach (var page in await _rows.ReadPagesAsync<AgentRowPage>(PageName, header?.Pages ?? 0))
        {
            _pages.Add([.. page.Agents.Select(static a => a.Code)]);
            foreach (var row in page.Agents) _agents[row.Code] = new Held(row, View(row, protector.Unprotect(row.SealedName, Context(row.Code))), _pages.Count - 1);
        }
    }

    public async Task<AgentView> Put(AgentView agent)
    {
        if (catalog.Find(agent.Region) is not { Level: RegionLevel.Regency or RegionLevel.District } region
            || (region.Level == RegionLevel.Regency ? region : region.Parent!).Code != Regency)
        {
            throw new ArgumentException($"Agent {agent.Code} is for {agent.Region}, not a region of regency {Regency}.");
        }
        _agents.TryGetValue(agent.Code, out var held);
        if (held is not null && held.View.Name == agent.Name && held.View.Region == agent.Region && held.View.Status == agent.Status) return held.View;
        var view = agent with { RegisteredAt = held?.View.RegisteredAt ?? agent.RegisteredAt, RegionName = region.Name };
        var row = new AgentRow(view.Code, protector.Protect(view.Name, Context(view.Code)), view.Region, view.Status, view.RegisteredAt, view.UpdatedAt, view.UpdatedBy);
        var page = held?.Page ?? FirstPageWithRoom();
        var codes = page < _pages.Count ? _pages[page] : [];
        await WritePageAsync(page, held is null ? [.. codes, view.Code] : codes, row);
        if (page == _pages.Count) _pages.Add(codes);
        if (held is null) codes.Add(view.Code);
        _agents[view.Code] = new Held(row, view, page);
        _byCode = null;
        return view;
    }

    public async Task<AgentView?> Remove(string code)
    {
        if (!_agents.TryGetValue(code, out var held)) return null;
        var codes = _pages[held.Page];
        await WritePageAsync(held.Page, [.. codes.Where(c => c != code)], null);
        codes.Remove(code);
        _agents.Remove(code);
        _byCode = null;
        return held.View;
    }

    public Task<AgentView?> Get(string code) => Task.FromResult(_agents.GetValueOrDefault(code)?.View);

    public Task<AgentPage> List(string regionCode, AgentStatus? status, int offset, int limit)
    {
        _byCode ??= [.. _agents.Values.Select(static h => h.View).OrderBy(static a => a.Code, StringComparer.Ordinal)];
        var found = _byCode.Where(a => (regionCode == Regency || a.Region == regionCode) && (status is null || a.Status == status)).ToList();
        return Task.FromResult(new AgentPage([.. found.Skip(offset).Take(limit)], found.Count, offset, limit));
    }

    public Task<IReadOnlyList<Failure?>> Check(IReadOnlyList<string> codes, string villageCode) =>
        Task.FromResult<IReadOnlyList<Failure?>>([.. codes.Select(code => _agents.TryGetValue(code, out var held)
            ? AgentRules.MayEnrol(code, held.View.Region, held.View.Status, villageCode)
            : AgentRules.MayEnrol(code, null, null, villageCode))]);

    /// <summary>Writes a page with its agents (one of them replaced or added); a new page is counted in the header after it is written.</summary>
    private async Task WritePageAsync(int page, IReadOnlyList<string> codes, AgentRow? changed)
    {
        var rows = codes.Select(c => c == changed?.Code ? changed : _agents[c].Row).ToArray();
        try
        {
            await _rows.WriteAsync(PageName(page), new AgentRowPage(rows));
            if (page == _pages.Count) await _rows.WriteAsync(HeaderName, new AgentRegistryHeader(page + 1));
        }
        catch (Exception ex)
        {
            LogWriteFailed(ex, Regency);
            DeactivateOnIdle(); // the next activation reads what storage really has
            throw;
        }
    }

    private int FirstPageWithRoom()
    {
        var page = _pages.FindIndex(static p => p.Count < PageSize);
        return page < 0 ? _pages.Count : page;
    }

    private AgentView View(AgentRow row, string name) => new()
    {
        Code = row.Code, Name = name, Region = row.Region, RegionName = catalog.Find(row.Region)?.Name ?? row.Region, Status = row.Status,
        RegisteredAt = row.RegisteredAt, UpdatedAt = row.UpdatedAt, UpdatedBy = row.UpdatedBy,
    };

    // The name is bound to its registry and code: a sealed value copied elsewhere does not open.
    private string Context(string code) => $"agent/{Regency}/{code}";

    private static string PageName(int page) => $"agents-{page}";

    private sealed record Held(AgentRow Row, AgentView View, int Page);

    [LoggerMessage(Level = LogLevel.Error, Message = "Agent registry {Regency}: saving failed; the activation will reload from storage.")]
    private partial void LogWriteFailed(Exception exception, string regency);
}
