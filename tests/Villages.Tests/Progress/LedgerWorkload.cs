using System.Collections.Concurrent;
using Villages.Regions;

namespace Villages.Tests.Progress;

/// <summary>
/// A seeded, reproducible stream of operator work over many villages, driven through the village
/// grains. Rounds run the villages in parallel, each village's steps one after another from its own
/// seeded script; moves between villages run alone afterwards, so the outcome never depends on
/// scheduling. Every outcome is tallied ("enrol:Created", "withdraw:Withdrawn", ...).
/// </summary>
public sealed class LedgerWorkload
{
    private readonly Func<IGrainFactory> _grains;
    private readonly Random _random;
    private readonly List<VillageScript> _scripts;
    private readonly ConcurrentDictionary<string, int> _tally = new(StringComparer.Ordinal);
    private int _operations;
    private bool _agentsRegistered;

    /// <param name="grains">Asked on every call: a restarted cluster has a new client.</param>
    public LedgerWorkload(Func<IGrainFactory> grains, int seed, IReadOnlyList<string> villages)
    {
        _grains = grains;
        _random = new Random(seed);
        _scripts = [.. villages.Select((code, i) => new VillageScript(code, i, seed))];
    }

    public IReadOnlyList<string> Villages => [.. _scripts.Select(static s => s.Code)];
    public int Operations => Volatile.Read(ref _operations);
    public IReadOnlyDictionary<string, int> Tally => _tally;

    /// <summary>Failures that say nothing about the ledger: retried calls and storage refusals.</summary>
    public int Troubles => _tally.Where(static t => t.Key is "retried" || t.Key.EndsWith(":StorageUnavailable", StringComparison.Ordinal)).Sum(static t => t.Value);

    /// <summary>
    /// A few districts of each regency, in code order from a seeded pick, and in each of them all
    /// villages but about one in seven, which stay untouched (not started).
    /// </summary>
    public static IReadOnlyList<string> PickVillages(int seed, int districtsEach, params string[] regencies)
    {
        var random = new Random(seed);
        return [.. regencies
            .Select(code => RegionCatalog.Default.Find(code)!)
            .SelectMany(regency => regency.Children.OrderBy(_ => random.Next()).Take(districtsEach).OrderBy(static d => d.Code, StringComparer.Ordinal))
            .SelectMany(district => district.Children.Where(_ => random.Next(7) != 0))
            .Select(static v => v.Code)];
    }

    /// <summary>Every village takes its next steps; villages run side by side.</summary>
    public async Task RoundAsync(int stepsEach, int parallel = 8)
    {
        await RegisterAgentsAsync();
        await Parallel.ForEachAsync(_scripts, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (script, _) =>
        {
            for (var i = 0; i < stepsEach; i++)
            {
                await Retrying(() => script.StepAsync(_grains().Village(script.Code), Count));
                Interlocked.Increment(ref _operations);
            }
        });
    }

    /// <summary>The agents the scripts name, registered for their regencies (once; registering again changes nothing).</summary>
    private async Task RegisterAgentsAsync()
    {
        if (_agentsRegistered) return;
        foreach (var regency in _scripts.Select(static s => s.Code[..5]).Distinct())
        {
            foreach (var agent in VillageScript.AgentsOf(regency))
            {
                var outcome = await Retrying(() => _grains().GetGrain<IAgentGrain>(agent).Register(
                    new AgentRequest { Name = "Agen " + agent, Region = regency, Status = "active" }, Infrastructure.TestActors.Operator));
                Assert.Null(outcome.Failure);
            }
        }
        _agentsRegistered = true;
    }

    /// <summary>
    /// Workers change villages, one after another: half are refused because they are still held
    /// (409, naming the holder), half withdraw first and are taken in by the other village.
    /// </summary>
    public async Task MovesAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var from = _scripts[_random.Next(_scripts.Count)];
            var to = _scripts[_random.Next(_scripts.Count)];
            if (from == to || to.Terms is null || from.Active.FirstOrDefault() is not { } worker) continue;
            if (_random.Next(2) == 0)
            {
                // The other village's operator, not the agent who enrolled them here (an agent works in one regency).
                var refused = await Retrying(() => _grains().Village(to.Code).Enroll(worker.Accepted! with { AgentId = null }, Infrastructure.TestActors.Operator));
                Count("held-elsewhere:" + (refused.Failure?.Code.ToString() ?? refused.Result.ToString()));
            }
            else
            {
                var left = await Retrying(() => _grains().Village(from.Code).Withdraw(worker.Id!, Infrastructure.TestActors.Operator));
                if (left.Failure is null) worker.Active = false;
                var joined = await Retrying(() => to.TakeInAsync(_grains().Village(to.Code), worker.Nik));
                Count("move:" + (joined.Failure?.Code.ToString() ?? joined.Result.ToString()));
            }
            Interlocked.Increment(ref _operations);
        }
    }

    /// <summary>Waits (bounded) until at least this many operations have been done.</summary>
    public Task AfterAsync(int operations) => Rollups.PollAsync(() => Task.FromResult(Operations), n => n >= operations, TimeSpan.FromMinutes(2));

    public int Total(string prefix) => _tally.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(static t => t.Value);

    public override string ToString() => string.Join(", ", _tally.OrderBy(static t => t.Key, StringComparer.Ordinal).Select(static t => $"{t.Key}={t.Value}"));

    private void Count(string what) => _tally.AddOrUpdate(what, 1, static (_, n) => n + 1);

    /// <summary>A call that failed in transit (a silo died under it) is made again; a failed step becomes a fresh step.</summary>
    private async Task<T> Retrying<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (attempt < 60)
            {
                Count("retried");
                await Task.Delay(500);
            }
        }
    }

    private Task Retrying(Func<Task> call) => Retrying(async () => { await call(); return 0; });
}
