using System.Diagnostics;
using System.Net.Http.Headers;
using Villages.Bench.Shared;
using Villages.Regions;

namespace Villages.Bench.National;

/// <summary>
/// The national mode: open a programme in every village (or N), then enrol --workers per village
/// through POST /api/villages/{code}/enrollments/batch, --batch workers per request, with --clients
/// concurrent clients; print progress every 10 s and, at the end, throughput, latency per batch,
/// problems, the service's memory, the database's size and a check of the national figures.
/// It prints figures; it never asserts.
/// </summary>
public static class NationalBench
{
    /// <summary>83,762 villages x 100 workers: the campaign's national target.</summary>
    public const long NationalEnrolments = 8_376_200;

    /// <summary>The issue's goal: the nation in at most this long on one 2-core machine.</summary>
    public static readonly TimeSpan Goal = TimeSpan.FromMinutes(10);

    /// <summary>How often the programmes and the batches print a progress line.</summary>
    internal static readonly TimeSpan Every = TimeSpan.FromSeconds(10);
    /// <summary>The content type of every request body the national mode sends.</summary>
    internal static readonly MediaTypeHeaderValue JsonType = new("application/json");

    public static async Task<int> RunAsync(BenchOptions options, Cleanup cleanup, string? repoRoot, MachineInfo machine, CancellationToken ct)
    {
        var catalog = RegionCatalog.Default;
        var clients = options.Clients[0];
        var budget = options.NationalBudget;
        if (budget < options.Workers * BenchOptions.PremiumPerWorker)
        {
            Console.WriteLine($"NOTE: --budget {budget:N0} pays for {budget / BenchOptions.PremiumPerWorker:N0} workers, fewer than --workers {options.Workers}: expect budget refusals.");
        }

        // The service: started here (with its PostgreSQL), or running at --url.
        Uri baseUrl;
        Uri? metricsUrl;
        string? connectionString;
        IReadOnlyList<int> pids;
        int? postmaster;
        ServiceProcess? service = null;
        if (options.Url is null)
        {
            (var postgres, service) = await ServiceProcess.StartWithDatabaseAsync(options, repoRoot, cleanup, ct);
            baseUrl = service.BaseUrl;
            metricsUrl = service.ManagementUrl;
            connectionString = postgres.Server.ConnectionString;
            pids = [service.Pid];
            postmaster = postgres.PostmasterPid();
        }
        else
        {
            baseUrl = options.Url;
            metricsUrl = options.MetricsUrl;
            connectionString = options.ConnectionString;
            pids = options.Pids ?? ServiceProcesses.Discover();
            postmaster = connectionString is null ? null : await DatabaseSize.LocalPostmasterAsync(connectionString, ct);
            Console.WriteLine($"Measuring the running service at {baseUrl}");
            Console.WriteLine(pids.Count == 0
                ? "  no Villages.Silo/Villages.WebApi process found on this machine: memory and service CPU not measured (pass --pids)"
                : $"  its processes ({(options.Pids is null ? "every Villages.Silo/Villages.WebApi on this machine; pass --pids to choose" : "--pids")}):");
            foreach (var pid in pids) Console.WriteLine($"    {pid}: {ServiceProcesses.CommandLine(pid)}");
            Console.WriteLine(connectionString is null
                ? "  no --connection-string: the database's size is not measured"
                : $"  database: {Redacted(connectionString)}; PostgreSQL {(postmaster is { } pm ? $"on this machine (postmaster {pm})" : "not on this machine (or not visible): its CPU is in 'other'")}");
        }

        var seed = options.Seed ?? (options.Url is null ? 0 : Random.Shared.Next(1, 2000));
        var niks = new NikFactory(catalog, seed);
        var pool = new VillagePool(catalog, 20260101 + seed);
        var codes = pool.Take(options.VillagesGiven ?? pool.Total);
        using var reads = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
        // Each village written with its own operator's token, minted before the clock starts.
        var tokens = service is not null ? BenchToken.Local(service.SigningKey) : BenchToken.Remote(reads, baseUrl, options.Token);
        await tokens.WarmAsync(codes, ct);
        using var http = new HttpClient(tokens.Handler(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            MaxConnectionsPerServer = clients,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })) { Timeout = TimeSpan.FromSeconds(120) };
        var cpu = new CpuSampler(pids, postmaster);
        var before = await NationalTotals.ReadAsync(reads, baseUrl, ct);
        Console.WriteLine($"National figures before: workersEnrolled {before.WorkersEnrolled:N0}, villagesWithProgram {before.VillagesWithProgram:N0}" +
            (before.WorkersEnrolled > 0 || before.VillagesWithProgram > 0 ? " (not a fresh database: the check at the end compares differences)" : ""));
        var perVillage = (options.Workers + options.Batch - 1) / options.Batch;
        Console.WriteLine($"Seed {seed}. {codes.Length:N0} villages x {options.Workers} workers = {(long)codes.Length * options.Workers:N0} enrolments, " +
            $"in {(long)codes.Length * perVillage:N0} batch requests of up to {options.Batch} ({perVillage} per village), {clients} clients; budget Rp{budget:N0} per village");

        var idle = await ActivationMemory.ReadAsync(reads, metricsUrl, ServiceProcesses.TotalRss(pids), ct);
        var run = Stopwatch.StartNew();
        var setup = await NationalProgrammes.OpenAsync(http, baseUrl, codes, options.Workers, budget, clients, cpu, pids, ct);
        var opened = setup.Opened;
        var programmesOpen = await ActivationMemory.ReadAsync(reads, metricsUrl, ServiceProcesses.TotalRss(pids), ct);
        Console.WriteLine($"  memory per 10,000 active villages with a programme: {ActivationMemory.PerTenThousand(idle, programmesOpen)}");
        if (opened.Length < codes.Length) Console.WriteLine($"  {codes.Length - opened.Length:N0} villages without a programme are left out of the enrolments.");

        var plan = EnrolmentPlan.For(catalog, opened, options.Workers, options.Batch, niks);
        var enrol = await BatchLoad.RunAsync(http, baseUrl, plan, clients, cpu, pids, ct);
        var cancelled = ct.IsCancellationRequested;
        var total = run.Elapsed;

        // After the load: memory, the database, the national figures.
        var memory = pids.Select(ServiceProcesses.Memory).OfType<ProcessMemory>().ToList();
        var enrolled = await ActivationMemory.ReadAsync(reads, metricsUrl, ServiceProcesses.TotalRss(pids), ct);
        using var after = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        DatabaseSize? size = null;
        string? sizeProblem = null;
        if (connectionString is not null)
        {
            try { size = await DatabaseSize.ReadAsync(connectionString, after.Token); }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or OperationCanceledException or InvalidOperationException) { sizeProblem = ex.Message; }
        }
        NationalCheck? check = null;
        if (!cancelled) check = await NationalCheck.ReadAsync(reads, baseUrl, before, enrol.CreatedRows, setup, plan, ct);

        var result = new NationalResult(machine, options with { Token = null, ConnectionString = options.ConnectionString is null ? null : Redacted(options.ConnectionString) },
            baseUrl.ToString(), seed, codes.Length, options.Workers, options.Batch, clients, budget, cancelled,
            setup.Summary, enrol.Summary, total.TotalSeconds, memory, enrol.PeakRssBytes, size, sizeProblem, check, idle, programmesOpen, enrolled);
        NationalReport.Print(result);
        if (options.Renew && !cancelled)
        {
            var renewal = await NationalRenewals.RunAsync(http, reads, baseUrl, opened, budget, options.Workers, clients, cpu, pids, ct);
            result = result with { Renewal = renewal };
        }
        if (options.WaitIdle && !ct.IsCancellationRequested) await WaitIdleAsync(reads, metricsUrl, pids, ct);
        if (service is not null)
        {
            Console.WriteLine();
            Console.WriteLine($"The service wrote {service.LineCount} line(s) at Warning or above{(service.LineCount > 0 ? "; the last ones:" : ".")}");
            if (service.LineCount > 0) Console.WriteLine(service.OutputTail(20));
        }
        Console.WriteLine(machine);
        if (options.Json is not null) result.WriteJson(options.Json);
        return cancelled ? 130 : 0;
    }

    /// <summary>After the run: the villages leave memory once idle (5 minutes by default), and the service's memory with them.</summary>
    private static async Task WaitIdleAsync(HttpClient reads, Uri? metricsUrl, IReadOnlyList<int> pids, CancellationToken ct)
    {
        Console.WriteLine();
        Console.WriteLine("Waiting for the villages to go idle and leave memory (up to 15 minutes: an idle village goes between one and two idle timeouts after its last call)...");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(15))
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            var now = await ActivationMemory.ReadAsync(reads, metricsUrl, ServiceProcesses.TotalRss(pids), ct);
            Console.WriteLine($"  [{clock.Elapsed.TotalMinutes,4:0.0} min] {(now is null ? "activations not visible" : $"{now.Villages:N0} villages active, heap {ServiceProcesses.Bytes(now.ManagedHeapBytes)}")}; " +
                $"service RSS {ServiceProcesses.Bytes(ServiceProcesses.TotalRss(pids))}");
            if (now is { Villages: 0 } && ServiceProcesses.TotalRss(pids) < 2L << 30) break;
        }
    }

    /// <summary>A connection string without its password.</summary>
    private static string Redacted(string connectionString)
    {
        try
        {
            var b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            if (b.Password is not null) b.Password = "***";
            return b.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(unreadable connection string)";
        }
    }
}
