using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Villages.Bench.Shared;
using Villages.Domain;
using Villages.Regions;

namespace Villages.Bench.Money;

/// <summary>
/// The money side at national scale, on a silo in this process whose domain clock the bench moves:
/// a 100,000-row BPJS result file reconciled (and again), then the nation's arrears at the midnight
/// after a due date, and the memberships ended at the midnight after the fourth month in arrears,
/// each timed from the clock's move to the national figures showing it. No payment is recorded, so
/// every worker's months fall into arrears. It prints figures; it never asserts.
/// </summary>
public static class MoneyBench
{
    private const int FileRows = 100_000;
    private static readonly TimeSpan Wib = TimeSpan.FromHours(7);

    public static async Task<int> RunAsync(BenchOptions options, Cleanup cleanup, CancellationToken ct)
    {
        var count = options.VillagesGiven ?? RegionCatalog.Default.AtLevel(RegionLevel.Village).Count();
        // 5 January 2027: January is due on Friday the 15th, April on Thursday the 15th.
        var clock = new FakeTimeProvider(new DateTimeOffset(2027, 1, 5, 10, 0, 0, Wib));
        var (host, postgres) = await InProcessSilo.StartAsync("villages-bench-money", cleanup,
            new Dictionary<string, string?> { ["Villages:Progress:DayCheck"] = "00:00:00.500" }, clock, ct);
        using var _ = host;
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var codes = new VillagePool(RegionCatalog.Default, 20270105).Take(count);
        var niks = new NikFactory(RegionCatalog.Default);
        var actor = new Actor("bench-money", "village-operator", null);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Clients[0], CancellationToken = ct };
        var workers = (long)codes.Length * options.Workers;
        Console.WriteLine($"Money: an in-process silo on PostgreSQL {postgres.Server.Port}, its clock at {clock.GetUtcNow().ToOffset(Wib):yyyy-MM-dd HH:mm} WIB; " +
            $"{codes.Length:N0} villages x {options.Workers} workers, {options.Clients[0]} at a time");

        // The campaign, enrolled through the grains (the HTTP path is what the national mode measures).
        var regency = codes.GroupBy(static c => c[..5], StringComparer.Ordinal).MaxBy(static g => g.Count())!.Key;
        var regencyNiks = new List<string>();
        var setup = Stopwatch.StartNew();
        await Parallel.ForEachAsync(codes.Select((code, i) => (code, i)), parallel, async (v, _) =>
        {
            var village = grains.GetGrain<IVillageGrain>(v.code);
            var source = ProgramRules.DefaultFunding(RegionCatalog.Default.Find(v.code)?.Kind ?? VillageKind.Desa);
            await village.SetPrograms(null, [new ProgramRequest(options.Workers, options.Workers * BenchOptions.PremiumPerWorker, 12, source.ToString())], actor);
            var area = v.code[..8].Replace(".", "", StringComparison.Ordinal);
            var batch = Enumerable.Range(0, options.Workers)
                .Select(w => new EnrollmentRequest { Nik = niks.InArea(area, (long)v.i * options.Workers + w), Name = $"Pekerja {v.i} {w}", Occupation = "nelayan", MonthlyIncome = 1_000_000 })
                .ToList();
            await village.EnrollBatch(batch, actor);
            if (v.code.StartsWith(regency + ".", StringComparison.Ordinal)) lock (regencyNiks) regencyNiks.AddRange(batch.Select(static b => b.Nik!));
        });
        Console.WriteLine($"  {codes.Length:N0} programmes and {workers:N0} enrolments in {setup.Elapsed.TotalSeconds:0.0} s");
        var nation = grains.GetGrain<IRegionGrain>(RegionCode.Nation);
        var due = workers * 16_800;
        await Until(nation, f => f.Workers.WorkersCovered + f.Apparatus.WorkersCovered == workers && f.Workers.Money.AmountDueThisMonth == due, TimeSpan.FromMinutes(10), ct);

        await ReconcileAsync(grains, regency, regencyNiks, ct);

        var late = await MoveAsync(clock, nation, new DateTimeOffset(2027, 1, 16, 0, 0, 5, Wib),
            f => f.Workers.Money.AmountInArrears == due && f.Workers.Money.WorkersInArrears == workers, ct);
        Console.WriteLine($"  the nation's arrears at midnight after January's due date: Rp{due:N0} of {workers:N0} workers in {late.TotalSeconds:0.0} s after the clock's move");
        var ended = await MoveAsync(clock, nation, new DateTimeOffset(2027, 4, 16, 0, 0, 5, Wib),
            f => f.Workers.Money.TerminatedThisYear == workers && f.Workers.WorkersCovered == 0, ct);
        Console.WriteLine($"  memberships ended at midnight after the fourth month in arrears: {workers:N0} in {ended.TotalSeconds:0.0} s after the clock's move");
        await host.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>A result file of 100,000 rows for the regency: each of its workers registered, the rest workers BPJS has and the ledger lacks.</summary>
    private static async Task ReconcileAsync(IGrainFactory grains, string regency, List<string> known, CancellationToken ct)
    {
        var registeredOn = new DateOnly(2027, 1, 4);
        var rows = new List<ReconciliationRow>(FileRows);
        for (var i = 0; i < FileRows; i++)
        {
            var nik = i < known.Count ? known[i] : $"{regency.Replace(".", "", StringComparison.Ordinal)}99{(i / 10_000 % 28) + 1:00}0190{i % 10_000:0000}";
            rows.Add(new ReconciliationRow(i + 2, nik, (10_000_000_000L + i).ToString(CultureInfo.InvariantCulture), BpjsVerdict.Registered, registeredOn, null));
        }
        var actor = new Actor("bench-bpjs", "bpjs-branch", null);
        foreach (var pass in new[] { "first upload", "the same file again" })
        {
            var job = grains.GetGrain<IReconciliationJobGrain>(Guid.NewGuid());
            var clock = Stopwatch.StartNew();
            await job.Start(regency, "hasil-bpjs.csv", rows, [], actor);
            ReconciliationStatus status;
            do
            {
                await Task.Delay(100, ct);
                status = (await job.GetStatus())!;
            }
            while (status.State == ImportState.Running);
            Console.WriteLine($"  reconciliation of {status.Rows:N0} rows for {regency} ({pass}): {clock.Elapsed.TotalSeconds:0.0} s; matched {status.Matched:N0}, " +
                $"unchanged {status.Unchanged:N0}, unknown {status.Unknown:N0}, KPJ conflicts {status.KpjConflicts:N0}, invalid {status.Invalid:N0}");
        }
    }

    private static async Task<TimeSpan> MoveAsync(FakeTimeProvider clock, IRegionGrain nation, DateTimeOffset to, Func<RegionFigures, bool> moved, CancellationToken ct)
    {
        clock.SetUtcNow(to);
        var watch = Stopwatch.StartNew();
        await Until(nation, moved, TimeSpan.FromMinutes(10), ct, CoverageDay(to));
        return watch.Elapsed;
    }

    private static DateOnly CoverageDay(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(Wib).DateTime);

    private static async Task Until(IRegionGrain nation, Func<RegionFigures, bool> done, TimeSpan limit, CancellationToken ct, DateOnly? day = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var progress = await nation.GetProgress();
            if (progress.Complete && (day is null || progress.Day == day) && done(progress.Figures)) return;
            if (deadline.Elapsed > limit) throw new TimeoutException($"The national figures did not get there in {limit.TotalMinutes:0} minutes.");
            await Task.Delay(50, ct);
        }
    }
}
