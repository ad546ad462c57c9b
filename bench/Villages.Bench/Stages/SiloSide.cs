using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Villages.Bench.Shared;
using Villages.Domain;
using Villages.Regions;

namespace Villages.Bench.Stages;

/// <summary>
/// Single enrolments straight into the village grains of a silo in this process (the product's
/// silo set-up, group commit and all, on a private PostgreSQL), at the bench's concurrency: this
/// process's CPU and allocations per enrolment, PostgreSQL's CPU and transactions per enrolment.
/// </summary>
public static class SiloSide
{
    public sealed record Figures(int Clients, int Seconds, double Rate, double ProcessMicros, double ProcessBytes, double PostgresMicros,
        double Transactions, EnrollmentOutcome Outcome)
    {
        public EnrollmentView View => Outcome.Enrollment!;
    }

    private const double MicrosPerTick = 1_000_000.0 / 100; // /proc counts CPU in USER_HZ (100 a second)

    public static async Task<Figures> RunAsync(BenchOptions options, Cleanup cleanup, CancellationToken ct)
    {
        var (host, postgres) = await InProcessSilo.StartAsync("villages-bench-stages", cleanup, new Dictionary<string, string?>(), null, ct);
        using var _ = host;
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var clients = options.Clients[0];
        var codes = new VillagePool(RegionCatalog.Default, options.Seed ?? 20261129).Take(options.Villages);
        var actor = new Actor("bench-stages", "village-operator", null);
        Console.WriteLine($"Stages: a silo in this process on PostgreSQL {postgres.Server.Port}; {codes.Length:N0} villages, {clients} callers, " +
            $"warm-up {options.Warmup} s, measured {options.Seconds} s");
        await Parallel.ForEachAsync(codes, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (code, _) =>
        {
            var source = ProgramRules.DefaultFunding(RegionCatalog.Default.Find(code)?.Kind ?? VillageKind.Desa);
            await grains.GetGrain<IVillageGrain>(code).SetPrograms(null,
                [new ProgramRequest(1_000, 1_000 * BenchOptions.PremiumPerWorker, 12, source.ToString())], actor);
        });

        var niks = new NikFactory(RegionCatalog.Default, options.Seed ?? 0);
        EnrollmentOutcome? sample = null;
        long enrolled = 0;
        var measuring = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var callers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            while (!stop.IsCancellationRequested)
            {
                var request = new EnrollmentRequest { Nik = niks.Next(), Name = "Pekerja Bench", Occupation = "nelayan", MonthlyIncome = 1_000_000 };
                var outcome = await grains.GetGrain<IVillageGrain>(codes[random.Next(codes.Length)]).Enroll(request, actor);
                if (outcome.Failure is { } failed) throw new InvalidOperationException($"An enrolment failed: {failed.Code} {failed.Detail}");
                sample ??= outcome;
                if (Volatile.Read(ref measuring)) Interlocked.Increment(ref enrolled);
            }
        }, CancellationToken.None)).ToList();

        await Task.Delay(TimeSpan.FromSeconds(options.Warmup), ct);
        var sampler = new CpuSampler([], postgres.PostmasterPid());
        var transactions = await CommitsAsync(postgres, ct);
        var before = sampler.Take();
        var bytes = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref measuring, true);
        await Task.Delay(TimeSpan.FromSeconds(options.Seconds), ct);
        Volatile.Write(ref measuring, false);
        var after = sampler.Take();
        var elapsed = clock.Elapsed.TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes() - bytes;
        var count = Interlocked.Read(ref enrolled);
        transactions = await CommitsAsync(postgres, ct) - transactions;
        stop.Cancel();
        await Task.WhenAll(callers);

        await host.StopAsync(CancellationToken.None);
        if (before is not { } b || after is not { } a || count == 0) throw new InvalidOperationException("No CPU figures: /proc unreadable or nothing enrolled.");
        return new Figures(clients, options.Seconds, count / elapsed, (a.Bench - b.Bench) * MicrosPerTick / count, (double)allocated / count,
            (a.Postgres - b.Postgres) * MicrosPerTick / count, (double)transactions / count, sample!);
    }

    /// <summary>Transactions committed in the bench's database so far (the statistics collector's count).</summary>
    private static async Task<long> CommitsAsync(BenchPostgres postgres, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(postgres.Server.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT pg_stat_clear_snapshot(); SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetInt64(0);
    }
}
