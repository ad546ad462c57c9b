using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Villages.Bench.Shared;
using Villages.Domain;
using Villages.Silo.Hosting;
using Villages.Silo.Storage;
using Villages.Regions;
using Villages.Village;

namespace Villages.Bench.Memory;

/// <summary>
/// Memory per 10,000 active villages, measured where it can be: a silo in this process (the
/// product's own silo configuration, on a private PostgreSQL), the live managed heap after a full
/// GC before and after the villages activate, then again once they have been idle past
/// Villages:Activations:VillageIdleTimeout. A service's RSS cannot say this: its GC keeps garbage
/// while memory is plentiful.
/// </summary>
public static class MemoryBench
{
    public static async Task<int> RunAsync(BenchOptions options, Cleanup cleanup, CancellationToken ct)
    {
        var villages = options.VillagesGiven ?? 10_000;
        var idle = TimeSpan.FromSeconds(options.IdleSeconds);
        var (host, postgres) = await InProcessSilo.StartAsync("villages-bench-memory", cleanup, new Dictionary<string, string?>
        {
            ["Villages:Activations:VillageIdleTimeout"] = idle.ToString(),
            ["Villages:Activations:CollectionQuantum"] = "00:00:05",
        }, clock: null, ct);
        using var _ = host;
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var codes = new VillagePool(RegionCatalog.Default, 20260101).Take(villages);
        var niks = new NikFactory(RegionCatalog.Default);
        var actor = new Actor("bench-memory", "village-operator", null);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Clients[0], CancellationToken = ct };
        Console.WriteLine($"Memory: an in-process silo on PostgreSQL {postgres.Server.Port}; {villages:N0} villages, {options.Workers} workers each, village idle timeout {idle.TotalSeconds:0} s");

        var baseline = await SnapshotAsync(management, "baseline (silo started, no village)", null, 0);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(codes, parallel, async (code, _) =>
        {
            // A kelurahan has no village budget: the regional one pays.
            var source = ProgramRules.DefaultFunding(RegionCatalog.Default.Find(code)?.Kind ?? VillageKind.Desa);
            await grains.GetGrain<IVillageGrain>(code).SetPrograms(null,
                [new ProgramRequest(options.Workers, options.Workers * BenchOptions.PremiumPerWorker, 12, source.ToString())], actor);
        });
        Console.WriteLine($"  programmes opened in {clock.Elapsed.TotalSeconds:0.0} s");
        await SnapshotAsync(management, "programmes open", baseline, villages);

        clock.Restart();
        await Parallel.ForEachAsync(codes.Select((code, i) => (code, i)), parallel, async (v, _) =>
        {
            var area = v.code[..8].Replace(".", "", StringComparison.Ordinal);
            var workers = Enumerable.Range(0, options.Workers)
                .Select(w => new EnrollmentRequest { Nik = niks.InArea(area, (long)v.i * options.Workers + w), Name = $"Pekerja {v.i} {w}", Occupation = "nelayan", MonthlyIncome = 1_000_000 })
                .ToList();
            await grains.GetGrain<IVillageGrain>(v.code).EnrollBatch(workers, actor);
        });
        Console.WriteLine($"  {(long)villages * options.Workers:N0} enrolments in {clock.Elapsed.TotalSeconds:0.0} s");
        await SnapshotAsync(management, $"{options.Workers} enrolments each", baseline, villages);

        Console.WriteLine($"  waiting for the villages to go idle ({idle.TotalSeconds:0} s and the collector's rounds)...");
        var deadline = DateTime.UtcNow + idle + TimeSpan.FromMinutes(2);
        while (await VillagesActiveAsync(management) > 0 && DateTime.UtcNow < deadline) await Task.Delay(TimeSpan.FromSeconds(5), ct);
        await SnapshotAsync(management, "after the idle timeout", baseline, villages);
        // The silo gives the memory the villages grew into back to the machine within a minute or two (MemoryReturn).
        await Task.Delay(TimeSpan.FromSeconds(75), ct);
        await SnapshotAsync(management, "after the silo returned the memory", baseline, villages);
        await host.StopAsync(CancellationToken.None);
        return 0;
    }

    private sealed record Snapshot(long Heap, long Rss);

    private static async Task<Snapshot> SnapshotAsync(IManagementGrain management, string when, Snapshot? baseline, int villages)
    {
        var heap = GC.GetTotalMemory(forceFullCollection: true); // collects until the figure settles
        var now = new Snapshot(heap, Environment.WorkingSet);
        var active = await VillagesActiveAsync(management);
        var line = $"  {when}: {active:N0} villages active; live managed heap {ServiceProcesses.Bytes(heap)}, RSS {ServiceProcesses.Bytes(now.Rss)}";
        if (baseline is not null && active > 0 && villages > 0)
        {
            line += $"; per 10,000 active villages: heap {ServiceProcesses.Bytes((heap - baseline.Heap) * 10_000 / active)}, RSS {ServiceProcesses.Bytes((now.Rss - baseline.Rss) * 10_000 / active)}";
        }
        Console.WriteLine(line);
        return now;
    }

    private static async Task<int> VillagesActiveAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics()).Where(static s => s.GrainType.Contains(".VillageGrain", StringComparison.Ordinal)).Sum(static s => s.ActivationCount);
}
