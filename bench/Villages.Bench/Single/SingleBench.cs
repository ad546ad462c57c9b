using Villages.Bench.Shared;
using Villages.Regions;

namespace Villages.Bench.Single;

/// <summary>
/// The single mode (the default): rounds of single enrolments (POST /api/villages/{code}/enrollments)
/// by --clients clients, with progress readers and the staleness sampler in each round's measured
/// window; then reads alone, then the plain-SQL peer on the same PostgreSQL; then the summary.
/// </summary>
public static class SingleBench
{
    public static async Task<int> RunAsync(BenchOptions options, Cleanup cleanup, string? repoRoot, MachineInfo machine, CancellationToken ct)
    {
        var rounds = new List<RoundResult>();
        var peers = new List<PeerResult>();
        string? peerNote = null;
        BenchPostgres? postgres = null;
        ServiceProcess? service = null;
        Uri baseUrl;
        if (options.Url is null)
        {
            (postgres, service) = await ServiceProcess.StartWithDatabaseAsync(options, repoRoot, cleanup, ct);
            baseUrl = service.BaseUrl;
        }
        else
        {
            baseUrl = options.Url;
            Console.WriteLine($"Measuring the running service at {baseUrl}");
        }

        var seed = options.Seed ?? (options.Url is null ? 0 : Random.Shared.Next(1, 2000));
        var niks = new NikFactory(RegionCatalog.Default, seed);
        var pool = new VillagePool(RegionCatalog.Default, 20260101 + seed);
        // wrk, as the HTTP peer is driven, unless --driver dotnet (the .NET loop, which also times each 201 for staleness).
        var wrk = options.Driver == "wrk" ? await WrkDriver.FindAsync(ct) : null;
        if (options.Driver == "wrk" && wrk is null) Console.WriteLine("wrk not found and not installable: the .NET client loop drives the load.");
        var driver = wrk is null ? null : new WrkDriver(wrk, seed);
        // The progress readers and the token minting have connections of their own.
        using var minting = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };
        // Each village written with its own operator's token (minted once, cached, outside the timed window).
        var tokens = service is not null ? BenchToken.Local(service.SigningKey) : BenchToken.Remote(minting, baseUrl, options.Token);
        using var http = new HttpClient(tokens.Handler(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            MaxConnectionsPerServer = Math.Max(options.Clients.Max(), 16),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })) { Timeout = TimeSpan.FromSeconds(60) };
        // The progress readers and the staleness sampler have connections of their own: they never queue
        // behind the enrolment clients in one pool.
        using var reads = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            MaxConnectionsPerServer = options.Readers + 2,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        }) { Timeout = TimeSpan.FromSeconds(60) };
        // Staleness needs the national count of bench enrolments only: the count before the first round is subtracted.
        long? baseline = null;
        if (options.SampleMs > 0 && driver is null)
        {
            try
            {
                baseline = await StalenessSampler.ReadEnrolledAsync(reads, baseUrl, ct);
                Console.WriteLine($"National workersEnrolled before the first round: {baseline:N0}" +
                    (baseline > 0 ? " (not a fresh database: the staleness figures assume nobody else enrols meanwhile)" : ""));
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException)
            {
                Console.WriteLine($"Staleness not measured: {ex.Message}");
            }
        }
        var acks = new List<long>();   // every 201 of the run, its receipt time (Stopwatch ticks)
        var cpu = new CpuSampler(service?.Pid, postgres?.PostmasterPid());

        RoundResult? previous = null;
        ReadResult[]? readsAlone = null;
        foreach (var clients in options.Clients)
        {
            // Enough villages that none is asked for more workers than its budget pays for (last round x 1.5).
            var needed = previous is null ? 0
                : (int)Math.Ceiling(previous.CreatedPerSecond * Math.Max(1.0, (double)clients / previous.Clients) * 1.5
                    * (options.Seconds + options.Warmup + 2) / options.WorkersPerVillage);
            var villages = pool.Take(Math.Max(options.Villages, needed));
            if (villages.Length == 0) { Console.WriteLine("No villages left in the catalogue for another round."); break; }
            Console.WriteLine();
            Console.WriteLine($"Round: {clients} clients. Opening programmes (budget {options.Budget:N0}) in {villages.Length:N0} villages...");
            await tokens.WarmAsync(villages, ct);
            var setup = await VillageSetup.OpenProgrammesAsync(http, baseUrl, villages, options.Budget, Math.Min(clients, 32), ct);
            Console.WriteLine($"  opened {setup.Opened:N0}/{setup.Villages:N0} in {setup.Took.TotalSeconds:0.0} s ({setup.Villages / setup.Took.TotalSeconds:N0}/s); " +
                $"statuses: {string.Join(", ", setup.Statuses.Select(s => $"{s.Key} x{s.Value}"))}");
            if (setup.FirstProblem is not null) Console.WriteLine($"  first problem: {setup.FirstProblem}");
            // The readers' province: the one that receives the most of this round's load.
            var province = villages.GroupBy(v => v[..2], StringComparer.Ordinal).MaxBy(g => g.Count())!;
            Console.WriteLine($"  load ({(driver is null ? "the .NET client loop" : "wrk, one thread")}): {options.Warmup} s warm-up, {options.Seconds} s measured" +
                (options.Readers > 0 ? $"; {options.Readers} progress readers in the window{(options.ReadRate > 0 ? $", {options.ReadRate:N0} reads/s in all" : ", each as fast as answered")} (nation and province {province.Key} {RegionCatalog.Default.Find(province.Key)?.Name}, {province.Count():N0} of the villages)" : "; no progress readers") +
                (baseline is not null ? $"; national figures sampled every {options.SampleMs} ms" : "") + "...");

            WrkFigures? warm = null;
            string? villagesFile = null;
            long offset = 0;
            if (driver is not null)
            {
                villagesFile = await WrkDriver.VillagesFileAsync(villages, tokens, cleanup);
                if (options.Warmup > 0) (warm, offset) = await driver.EnrolAsync(baseUrl, villagesFile, 0, clients, options.Warmup, ct);
            }
            // wrk warms up in a run of its own: its measured run starts right after.
            var window = MeasureWindow.FromNow(TimeSpan.FromSeconds(driver is null ? options.Warmup : 0.1), TimeSpan.FromSeconds(options.Seconds));
            var sampling = cpu.OverAsync(window, ct);
            var readers = options.Readers > 0 ? ProgressReaders.RunAsync(reads, baseUrl, province.Key, options.Readers, options.ReadRate, window, ct) : null;
            using var stopSampler = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sampler = baseline is null ? null : new StalenessSampler(reads, baseUrl, TimeSpan.FromMilliseconds(options.SampleMs));
            var sampled = sampler?.RunAsync(window, baseline!.Value, stopSampler.Token);
            var allocatedBefore = service is null ? null : AllocatedAtAsync(minting, service.ManagementUrl, window.Start, ct);
            RoundResult round;
            if (driver is null) round = await LoadRunner.RunAsync(http, baseUrl, villages, options.WorkersPerVillage, niks, clients, window, acks, ct);
            else
            {
                await MeasureWindow.DelayUntilAsync(window.Start, ct);
                var (figures, used) = await driver.EnrolAsync(baseUrl, villagesFile!, offset, clients, options.Seconds, ct);
                round = WrkDriver.ToRound(figures, warm, clients, villages.Length, (long)villages.Length * options.WorkersPerVillage, used);
            }
            round.Cpu = await sampling;
            if (allocatedBefore is not null && await allocatedBefore is { } before && await ServiceMetrics.AllocatedBytesAsync(minting, service!.ManagementUrl, ct) is { } after && round.Created > 0)
            {
                round.AllocatedPerEnrolment = (after - before) / (double)round.Created;
            }
            round.Province = province.Key;
            if (readers is not null) round.Reads = await readers;
            if (sampler is not null)
            {
                // Keep sampling after the load until every acknowledged enrolment is counted nationally (or the tail passes).
                acks.Sort();
                var loadEnded = System.Diagnostics.Stopwatch.GetTimestamp();
                await sampler.WaitForCountAsync(acks.Count, StalenessSampler.Tail, ct);
                var tail = System.Diagnostics.Stopwatch.GetElapsedTime(loadEnded).TotalSeconds;
                await stopSampler.CancelAsync();
                await sampled!;
                round.Staleness = sampler.Result(acks, window, baseline!.Value, tail);
            }
            BenchReport.PrintRound(round);
            rounds.Add(round);
            previous = round;
        }

        // Reads with no enrolment load: the condition the peer's national reads are measured in.
        if (options.AloneReaders > 0 && previous?.Province is { } busiest)
        {
            Console.WriteLine();
            if (driver is not null)
            {
                // As the HTTP peer's reads run: wrk on GET /api/progress, a 3 s warm-up run, then the measured one.
                Console.WriteLine($"Reads alone: wrk with {options.AloneReaders} connections on GET /api/progress, no enrolment load, 3 s warm-up, {options.Seconds} s measured...");
                var nation = new Uri(baseUrl, "/api/progress");
                await driver.ReadAsync(nation, options.AloneReaders, 3, ct);
                var aloneWindow = MeasureWindow.FromNow(TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(options.Seconds));
                var aloneCpu = cpu.OverAsync(aloneWindow, ct);
                await MeasureWindow.DelayUntilAsync(aloneWindow.Start, ct);
                readsAlone = [WrkDriver.ToReads(await driver.ReadAsync(nation, options.AloneReaders, options.Seconds, ct), "nation", "/api/progress", options.AloneReaders)];
                if (await aloneCpu is { } split) Console.WriteLine("  " + CpuSampler.Describe(split));
            }
            else
            {
                Console.WriteLine($"Reads alone: {options.AloneReaders} readers on GET /api/progress and /api/progress/{busiest}, no enrolment load, 3 s warm-up, {options.Seconds} s measured...");
                using var aloneHttp = new HttpClient(new SocketsHttpHandler
                {
                    UseProxy = false,
                    UseCookies = false,
                    MaxConnectionsPerServer = options.AloneReaders,
                    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                }) { Timeout = TimeSpan.FromSeconds(60) };
                var aloneWindow = MeasureWindow.FromNow(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(options.Seconds));
                var aloneCpu = cpu.OverAsync(aloneWindow, ct);
                readsAlone = await ProgressReaders.RunAsync(aloneHttp, baseUrl, busiest, options.AloneReaders, 0, aloneWindow, ct);
                if (await aloneCpu is { } split) Console.WriteLine("  " + CpuSampler.Describe(split));
            }
            foreach (var r in readsAlone) Console.WriteLine($"  {BenchReport.DescribeRead(r)}");
        }

        if (service is not null)
        {
            Console.WriteLine();
            Console.WriteLine($"The service wrote {service.LineCount} line(s) at Warning or above{(service.LineCount > 0 ? "; the last ones:" : ".")}");
            if (service.LineCount > 0) Console.WriteLine(service.OutputTail(20));
            service.Stop();   // the peer runs alone on the machine
        }

        // The peer, after our load, with the same seconds and clients, on the same PostgreSQL server.
        var script = options.NoPeer ? null : PeerBaseline.Find(options.Peer, repoRoot);
        if (options.NoPeer) peerNote = "skipped (--no-peer)";
        else if (script is null)
        {
            peerNote = $"not found ({options.Peer ?? $"{PeerBaseline.RelativeToRepo} from the repository, {PeerBaseline.WellKnown}"}): skipped";
        }
        else
        {
            postgres ??= await BenchPostgres.StartAsync(cleanup, ct);
            foreach (var clients in options.Clients)
            {
                Console.WriteLine();
                Console.WriteLine($"Peer: {script} {postgres.Server.Host} {postgres.Server.Port} {options.Seconds} {clients}");
                var peer = await PeerBaseline.RunAsync(script, postgres.Server.Host, postgres.Server.Port, postgres.Server.Password, options.Seconds, clients, ct);
                Console.WriteLine(peer.Error is null
                    ? $"  enroll_tps={peer.EnrollTps} national_read_tps={peer.NationalReadTps} national_read_ms={peer.NationalReadMs} ({peer.Took:0} s)"
                    : $"  failed: {peer.Error}");
                if (PeerBaseline.HttpPeerOf(script) is { } httpPeer)
                {
                    Console.WriteLine($"HTTP peer: {httpPeer} {postgres.Server.Host} {postgres.Server.Port} {options.Seconds} {clients}");
                    peer = await PeerBaseline.WithHttpPeerAsync(peer, httpPeer, postgres.Server.Host, postgres.Server.Port, postgres.Server.Password, options.Seconds, ct);
                    Console.WriteLine(peer.HttpError is null ? $"  enroll_rps={peer.HttpEnrollRps} enroll_p99_ms={peer.HttpEnrollP99Ms}" : $"  failed: {peer.HttpError}");
                }
                peers.Add(peer);
            }
        }
        if (peerNote is not null) Console.WriteLine($"Peer {peerNote}");

        static async Task<long?> AllocatedAtAsync(HttpClient http, Uri management, long at, CancellationToken ct)
        {
            await MeasureWindow.DelayUntilAsync(at, ct);
            return await ServiceMetrics.AllocatedBytesAsync(http, management, ct);
        }

        var report = new BenchReport(machine, options, options.Url is null ? "WebApi child started by the bench" : baseUrl.ToString(), rounds, peers, peerNote, readsAlone);
        report.PrintSummary();
        if (options.Json is not null) report.WriteJson(options.Json);
        return 0;
    }
}
