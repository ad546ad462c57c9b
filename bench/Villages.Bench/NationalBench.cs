using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Villages.Bench.Shared;
using Villages.Domain;
using Villages.Regions;

namespace Villages.Bench;

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

    private static readonly TimeSpan Every = TimeSpan.FromSeconds(10);
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

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
        string? connectionString;
        IReadOnlyList<int> pids;
        int? postmaster;
        ServiceProcess? service = null;
        if (options.Url is null)
        {
            (var postgres, service) = await ServiceProcess.StartWithDatabaseAsync(options, repoRoot, cleanup, ct);
            baseUrl = service.BaseUrl;
            connectionString = postgres.Server.ConnectionString;
            pids = [service.Pid];
            postmaster = postgres.PostmasterPid();
        }
        else
        {
            baseUrl = options.Url;
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
        using var http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            MaxConnectionsPerServer = clients,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        }) { Timeout = TimeSpan.FromSeconds(120) };
        using var reads = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
        var token = await BenchToken.GetAsync(http, baseUrl, options.Token, ct);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var cpu = new CpuSampler(pids, postmaster);
        var before = await NationalTotals.ReadAsync(reads, baseUrl, ct);
        Console.WriteLine($"National figures before: workersEnrolled {before.WorkersEnrolled:N0}, villagesWithProgram {before.VillagesWithProgram:N0}" +
            (before.WorkersEnrolled > 0 || before.VillagesWithProgram > 0 ? " (not a fresh database: the check at the end compares differences)" : ""));
        var perVillage = (options.Workers + options.Batch - 1) / options.Batch;
        Console.WriteLine($"Seed {seed}. {codes.Length:N0} villages x {options.Workers} workers = {(long)codes.Length * options.Workers:N0} enrolments, " +
            $"in {(long)codes.Length * perVillage:N0} batch requests of up to {options.Batch} ({perVillage} per village), {clients} clients; budget Rp{budget:N0} per village");

        var idle = await ActivationMemory.ReadAsync(reads, baseUrl, ServiceProcesses.TotalRss(pids), ct);
        var run = Stopwatch.StartNew();
        var setup = await OpenProgrammesAsync(http, baseUrl, codes, options.Workers, budget, clients, cpu, pids, ct);
        var opened = setup.Opened;
        var programmesOpen = await ActivationMemory.ReadAsync(reads, baseUrl, ServiceProcesses.TotalRss(pids), ct);
        Console.WriteLine($"  memory per 10,000 active villages with a programme: {ActivationMemory.PerTenThousand(idle, programmesOpen)}");
        if (opened.Length < codes.Length) Console.WriteLine($"  {codes.Length - opened.Length:N0} villages without a programme are left out of the enrolments.");

        var plan = Plan.For(catalog, opened, options.Workers, options.Batch, niks);
        var enrol = await EnrolAsync(http, baseUrl, plan, clients, cpu, pids, ct);
        var cancelled = ct.IsCancellationRequested;
        var total = run.Elapsed;

        // After the load: memory, the database, the national figures.
        var memory = pids.Select(ServiceProcesses.Memory).OfType<ProcessMemory>().ToList();
        var enrolled = await ActivationMemory.ReadAsync(reads, baseUrl, ServiceProcesses.TotalRss(pids), ct);
        using var after = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        DatabaseSize? size = null;
        string? sizeProblem = null;
        if (connectionString is not null)
        {
            try { size = await DatabaseSize.ReadAsync(connectionString, after.Token); }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or OperationCanceledException or InvalidOperationException) { sizeProblem = ex.Message; }
        }
        Check? check = null;
        if (!cancelled) check = await CheckAsync(reads, baseUrl, before, enrol.CreatedRows, setup, plan, ct);

        var result = new NationalResult(machine, options with { Token = null, ConnectionString = options.ConnectionString is null ? null : Redacted(options.ConnectionString) },
            baseUrl.ToString(), seed, codes.Length, options.Workers, options.Batch, clients, budget, cancelled,
            setup.Summary, enrol.Summary, total.TotalSeconds, memory, enrol.PeakRssBytes, size, sizeProblem, check, idle, programmesOpen, enrolled);
        Print(result);
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

    // ---- 1. programmes --------------------------------------------------------------------------

    public sealed record SetupSummary(int Villages, int Created, int Changed, double Seconds, double PerSecond,
        SortedDictionary<string, long> Statuses, string? FirstProblem, CpuSplit? Cpu);

    private sealed record Setup(string[] Opened, SetupSummary Summary);

    private static async Task<Setup> OpenProgrammesAsync(HttpClient http, Uri baseUrl, string[] codes, int workers, long budget,
        int parallelism, CpuSampler cpu, IReadOnlyList<int> pids, CancellationToken ct)
    {
        // No fundingSource: the service picks SD for a desa and SA for a kelurahan.
        var body = Encoding.UTF8.GetBytes($$"""{"targetWorkers":{{workers}},"budgetAllocated":{{budget}}}""");
        var statuses = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var ok = new bool[codes.Length];
        string? firstProblem = null;
        long done = 0, created = 0, changed = 0;
        Console.WriteLine();
        Console.WriteLine($"1. Opening programmes (PUT /api/villages/{{code}}/program, budget Rp{budget:N0}, target {workers}) in {codes.Length:N0} villages, {parallelism} at a time...");
        var clock = Stopwatch.StartNew();
        var first = cpu.Take();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ticker = Ticker.RunAsync(Every, stop.Token, (elapsed, interval) =>
        {
            var n = Interlocked.Read(ref done);
            Console.WriteLine($"  [{elapsed.TotalSeconds,5:0} s] {n:N0}/{codes.Length:N0} programmes ({n * 100.0 / codes.Length:0.0}%), " +
                $"{n / elapsed.TotalSeconds:N0}/s; service RSS {ServiceProcesses.Bytes(ServiceProcesses.TotalRss(pids))}" +
                (interval is { } c ? "; " + CpuSampler.Describe(c).Replace("CPU in the window", "CPU last 10 s", StringComparison.Ordinal) : ""));
        }, cpu);
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, codes.Length), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (i, token) =>
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = JsonType;
                string key;
                try
                {
                    using var response = await http.PutAsync(new Uri(baseUrl, $"/api/villages/{codes[i]}/program"), content, token);
                    var status = (int)response.StatusCode;
                    key = status.ToString(CultureInfo.InvariantCulture);
                    if (status is 200 or 201)
                    {
                        ok[i] = true;
                        if (status == 201) Interlocked.Increment(ref created);
                        else Interlocked.Increment(ref changed);
                    }
                    else if (firstProblem is null)
                    {
                        var text = await response.Content.ReadAsStringAsync(token);
                        Interlocked.CompareExchange(ref firstProblem, $"{status} for {codes[i]}: {BenchText.Truncate(text)}", null);
                    }
                }
                catch (HttpRequestException ex) { key = $"error:{ex.HttpRequestError}"; Interlocked.CompareExchange(ref firstProblem, $"{key} for {codes[i]}: {ex.Message}", null); }
                catch (TaskCanceledException) when (!token.IsCancellationRequested) { key = "timeout"; }
                lock (statuses) statuses[key] = statuses.GetValueOrDefault(key) + 1;
                Interlocked.Increment(ref done);
            });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C: report what was done
        }
        await stop.CancelAsync();
        await ticker;
        var seconds = clock.Elapsed.TotalSeconds;
        var summary = new SetupSummary(codes.Length, (int)created, (int)changed, seconds, (created + changed) / seconds, statuses, firstProblem,
            CpuSampler.Between(first, cpu.Take()));
        Console.WriteLine($"  {created + changed:N0}/{codes.Length:N0} programmes open ({created:N0} new, {changed:N0} changed) in {seconds:0.0} s = {summary.PerSecond:N0}/s; " +
            $"statuses: {string.Join(", ", statuses.Select(s => $"{s.Key} x{s.Value:N0}"))}");
        if (firstProblem is not null) Console.WriteLine($"  first problem: {firstProblem}");
        return new Setup([.. codes.Where((_, i) => ok[i])], summary);
    }

    // ---- 2. enrolments ----------------------------------------------------------------------------

    /// <summary>Who gets which NIKs: a village's workers are numbered in its district from the village's place among the district's villages.</summary>
    public sealed class Plan
    {
        private readonly string[] _areas;
        private readonly long[] _firstIndex;
        private readonly NikFactory _niks;

        private Plan(string[] villages, string[] areas, long[] firstIndex, int workers, int batch, NikFactory niks)
        {
            Villages = villages;
            _areas = areas;
            _firstIndex = firstIndex;
            Workers = workers;
            Batch = batch;
            _niks = niks;
        }

        public string[] Villages { get; }
        public int Workers { get; }
        public int Batch { get; }
        public int RequestsPerVillage => (Workers + Batch - 1) / Batch;
        public long Requests => (long)Villages.Length * RequestsPerVillage;
        public long Enrolments => (long)Villages.Length * Workers;

        public static Plan For(RegionCatalog catalog, string[] villages, int workers, int batch, NikFactory niks)
        {
            var place = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var district in catalog.AtLevel(RegionLevel.District))
            {
                for (var j = 0; j < district.Children.Count; j++) place[district.Children[j].Code] = j;
            }
            var areas = new string[villages.Length];
            var first = new long[villages.Length];
            for (var v = 0; v < villages.Length; v++)
            {
                areas[v] = RegionCode.Parent(villages[v]).Replace(".", "", StringComparison.Ordinal);   // the village's district, PPRRDD
                first[v] = (long)place[villages[v]] * workers;
                if (first[v] + workers > niks.AreaCapacity) throw new ArgumentException($"--workers {workers} is too many for unique NIKs in district {areas[v]}.");
            }
            return new Plan(villages, areas, first, workers, batch, niks);
        }

        /// <summary>Request k: village k / RequestsPerVillage, its workers from (k mod RequestsPerVillage) x Batch. A village's batches follow each other.</summary>
        public (int Village, int From, int Count) Request(long k)
        {
            var village = (int)(k / RequestsPerVillage);
            var from = (int)(k % RequestsPerVillage) * Batch;
            return (village, from, Math.Min(Batch, Workers - from));
        }

        public void WriteBody(Utf8JsonWriter json, int village, int from, int count)
        {
            var occupations = EnrollmentOptions.DefaultOccupations;
            json.WriteStartArray();
            for (var w = from; w < from + count; w++)
            {
                json.WriteStartObject();
                json.WriteString("nik"u8, _niks.InArea(_areas[village], _firstIndex[village] + w));
                json.WriteString("name"u8, string.Create(CultureInfo.InvariantCulture, $"Pekerja {_areas[village]} {_firstIndex[village] + w + 1}"));
                json.WriteString("occupation"u8, occupations[w % occupations.Count]);
                json.WriteNumber("monthlyIncome"u8, 1_000_000);
                json.WriteStartArray("programs"u8);
                json.WriteStringValue("JKK"u8);
                json.WriteStringValue("JKM"u8);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.Flush();
        }
    }

    public sealed record EnrolSummary(
        long Enrolments, long Requests, long RequestsDone, long CreatedRows, long FullBatches, double Seconds, double PerSecond,
        double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs,
        SortedDictionary<string, long> NonCreatedRows, SortedDictionary<string, string> FirstRowProblems,
        SortedDictionary<string, long> Non200, SortedDictionary<string, string> FirstNon200, CpuSplit? Cpu,
        List<IntervalLine> Intervals);

    /// <summary>One progress line: at <paramref name="Seconds"/> since the first batch.</summary>
    public sealed record IntervalLine(double Seconds, long CreatedRows, double PerSecondInterval, double PerSecondOverall,
        double P50Ms, double P99Ms, double IntervalP50Ms, double IntervalP99Ms, long ServiceRssBytes, CpuSplit? Cpu);

    private sealed record Enrol(EnrolSummary Summary, long CreatedRows, long PeakRssBytes);

    private sealed class Tally
    {
        public readonly Lock Gate = new();
        public readonly LatencyRecorder All = new();
        public LatencyRecorder Interval = new();
        public readonly SortedDictionary<string, long> Rows = new(StringComparer.Ordinal);
        public readonly SortedDictionary<string, string> FirstRow = new(StringComparer.Ordinal);
        public readonly SortedDictionary<string, long> Statuses = new(StringComparer.Ordinal);
        public readonly SortedDictionary<string, string> FirstStatus = new(StringComparer.Ordinal);
        public long Next;
        public long Done;
        public long CreatedRows;
        public long FullBatches;

        public void Answered(long ticks, int status, int created, bool full)
        {
            Interlocked.Add(ref CreatedRows, created);
            if (full) Interlocked.Increment(ref FullBatches);
            if (status == 200)
            {
                lock (Gate)
                {
                    All.RecordTicks(ticks);
                    Interval.RecordTicks(ticks);
                }
            }
            Interlocked.Increment(ref Done);
        }

        public void Problem(SortedDictionary<string, long> counts, SortedDictionary<string, string> first, string key, long n, string? body)
        {
            lock (Gate)
            {
                counts[key] = counts.GetValueOrDefault(key) + n;
                if (body is not null) first.TryAdd(key, BenchText.Truncate(body, 500));
            }
        }
    }

    private static async Task<Enrol> EnrolAsync(HttpClient http, Uri baseUrl, Plan plan, int clients, CpuSampler cpu, IReadOnlyList<int> pids, CancellationToken ct)
    {
        Console.WriteLine();
        Console.WriteLine($"2. Enrolling {plan.Enrolments:N0} workers: {plan.Requests:N0} x POST /api/villages/{{code}}/enrollments/batch of up to {plan.Batch}, {clients} clients...");
        var targets = plan.Villages.Select(code => new Uri(baseUrl, $"/api/villages/{code}/enrollments/batch")).ToArray();
        var tally = new Tally();
        var intervals = new List<IntervalLine>();
        long peakRss = 0, lastCreated = 0;
        var clock = Stopwatch.StartNew();
        var first = cpu.Take();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ticker = Ticker.RunAsync(Every, stop.Token, (elapsed, interval) =>
        {
            var created = Interlocked.Read(ref tally.CreatedRows);
            double p50, p99, ip50, ip99;
            lock (tally.Gate)
            {
                (p50, p99) = (tally.All.PercentileMs(50), tally.All.PercentileMs(99));
                (ip50, ip99) = (tally.Interval.PercentileMs(50), tally.Interval.PercentileMs(99));
                tally.Interval = new LatencyRecorder();
            }
            var rss = ServiceProcesses.TotalRss(pids);
            peakRss = Math.Max(peakRss, rss);
            var line = new IntervalLine(Math.Round(elapsed.TotalSeconds, 1), created, (created - lastCreated) / Every.TotalSeconds, created / elapsed.TotalSeconds,
                p50, p99, ip50, ip99, rss, interval);
            lastCreated = created;
            intervals.Add(line);
            Console.WriteLine($"  [{elapsed.TotalSeconds,5:0} s] {created:N0} enrolled ({created * 100.0 / plan.Enrolments:0.0}%); " +
                $"{line.PerSecondInterval:N0}/s last 10 s, {line.PerSecondOverall:N0}/s overall; batch ms p50 {p50:0} p99 {p99:0} so far " +
                $"(last 10 s {ip50:0}/{ip99:0}); RSS {ServiceProcesses.Bytes(rss)}" +
                (interval is { } c ? $"; CPU % service {c.Service:0} postgres {c.Postgres:0} bench {c.Bench:0} other {c.Other:0} idle {c.Idle:0}" : ""));
        }, cpu);
        var loops = Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientAsync(http, targets, plan, tally, ct), CancellationToken.None)).ToArray();
        await Task.WhenAll(loops);
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await ticker;
        peakRss = Math.Max(peakRss, ServiceProcesses.TotalRss(pids));

        var all = tally.All;
        var summary = new EnrolSummary(plan.Enrolments, plan.Requests, tally.Done, tally.CreatedRows, tally.FullBatches, seconds, tally.CreatedRows / seconds,
            all.PercentileMs(50), all.PercentileMs(90), all.PercentileMs(99), all.MaxMs, all.MeanMs,
            tally.Rows, tally.FirstRow, tally.Statuses, tally.FirstStatus, CpuSampler.Between(first, cpu.Take()), intervals);
        return new Enrol(summary, tally.CreatedRows, peakRss);
    }

    private static async Task ClientAsync(HttpClient http, Uri[] targets, Plan plan, Tally tally, CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>(plan.Batch * 160);
        using var json = new Utf8JsonWriter(body);
        var buffer = new byte[64 * 1024];
        while (!ct.IsCancellationRequested)
        {
            var k = Interlocked.Increment(ref tally.Next) - 1;
            if (k >= plan.Requests) break;
            var (village, from, count) = plan.Request(k);
            body.ResetWrittenCount();
            json.Reset(body);
            plan.WriteBody(json, village, from, count);

            using var request = new HttpRequestMessage(HttpMethod.Post, targets[village]) { Content = new ReadOnlyMemoryContent(body.WrittenMemory) };
            request.Content.Headers.ContentType = JsonType;
            var t0 = Stopwatch.GetTimestamp();
            int status;
            var length = 0;
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                status = (int)response.StatusCode;
                await using var stream = await response.Content.ReadAsStreamAsync(ct);
                while (true)
                {
                    if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    var read = await stream.ReadAsync(buffer.AsMemory(length), ct);
                    if (read == 0) break;
                    length += read;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                var key = ex switch { HttpRequestException h => $"error:{h.HttpRequestError}", TaskCanceledException => "timeout", _ => "error:io" };
                tally.Problem(tally.Statuses, tally.FirstStatus, key, 1, ex.Message);
                tally.Answered(Stopwatch.GetTimestamp() - t0, 0, 0, false);
                continue;
            }
            Record(tally, buffer.AsSpan(0, length), status, Stopwatch.GetTimestamp() - t0, count);
        }
    }

    /// <summary>Counts one answer: a 200 with its rows created or not (by kind), or another status.</summary>
    private static void Record(Tally tally, ReadOnlySpan<byte> answer, int status, long ticks, int sent)
    {
        if (status != 200)
        {
            tally.Problem(tally.Statuses, tally.FirstStatus, status.ToString(CultureInfo.InvariantCulture), 1, Encoding.UTF8.GetString(answer));
            tally.Answered(ticks, status, 0, false);
            return;
        }
        if (BatchAnswer.Counts(answer) is not { } counts)
        {
            tally.Problem(tally.Statuses, tally.FirstStatus, "200 unreadable", 1, Encoding.UTF8.GetString(answer));
            tally.Answered(ticks, status, 0, false);
            return;
        }
        var full = counts.Created == sent && counts.Rows == sent;
        if (!full)
        {
            foreach (var (kind, n, example) in BatchAnswer.NotCreated(answer, sent)) tally.Problem(tally.Rows, tally.FirstRow, kind, n, example);
        }
        tally.Answered(ticks, status, counts.Created, full);
    }

    // ---- 3. the national figures ----------------------------------------------------------------

    public sealed record Check(double WaitedSeconds, bool Matched, NationalTotals Before, NationalTotals After, long CreatedRows,
        long ExpectedVillagesWithProgram, long ExpectedBudgetCommitted, long ExpectedVillagesAtTarget);

    private static async Task<Check> CheckAsync(HttpClient reads, Uri baseUrl, NationalTotals before, long createdRows, Setup setup, Plan plan, CancellationToken ct)
    {
        Console.WriteLine();
        Console.WriteLine("3. Checking the national figures (GET /api/progress) against the created rows...");
        var clock = Stopwatch.StartNew();
        NationalTotals now;
        while (true)
        {
            now = await NationalTotals.ReadAsync(reads, baseUrl, ct);
            if (now.WorkersEnrolled - before.WorkersEnrolled == createdRows || clock.Elapsed > TimeSpan.FromSeconds(15)) break;
            await Task.Delay(250, ct);
        }
        var matched = now.WorkersEnrolled - before.WorkersEnrolled == createdRows;
        // Every created row commits one default premium; a village is at its target (= --workers) when all its workers were created.
        return new Check(clock.Elapsed.TotalSeconds, matched, before, now, createdRows, setup.Summary.Created,
            createdRows * BenchOptions.PremiumPerWorker, createdRows == plan.Enrolments ? plan.Villages.Length : -1);
    }

    // ---- the report ------------------------------------------------------------------------------

    private static void Print(NationalResult r)
    {
        var s = r.Setup;
        var e = r.Enrolment;
        Console.WriteLine();
        Console.WriteLine($"National run{(r.Cancelled ? " (CANCELLED: partial figures)" : "")}: {r.Villages:N0} villages x {r.Workers} workers, batches of {r.Batch}, {r.Clients} clients; {r.Target}");
        Console.WriteLine($"  programmes: {s.Created + s.Changed:N0}/{s.Villages:N0} open in {s.Seconds:0.0} s = {s.PerSecond:N0}/s" +
            (s.Cpu is { } sc ? $"; CPU % service {sc.Service:0} postgres {sc.Postgres:0} bench {sc.Bench:0} other {sc.Other:0} idle {sc.Idle:0}" : ""));
        Console.WriteLine($"  enrolments: {e.CreatedRows:N0} of {e.Enrolments:N0} created, durable (rows created in batches answered 200; {e.FullBatches:N0} of {e.Requests:N0} batches with every row created)");
        Console.WriteLine($"  enrolment time {e.Seconds:0.0} s = {e.PerSecond:N0} enrolments/s overall; total with the programmes {r.TotalSeconds:0.0} s");
        Console.WriteLine($"  per batch request (200 answers, send to last byte, {e.RequestsDone:N0} requests): ms p50 {e.P50Ms:0.0}  p90 {e.P90Ms:0.0}  p99 {e.P99Ms:0.0}  max {e.MaxMs:0.0}  mean {e.MeanMs:0.0}");
        Console.WriteLine(e.NonCreatedRows.Count == 0 ? "  rows not created: none" : $"  rows not created: {string.Join(", ", e.NonCreatedRows.Select(x => $"{x.Key} x{x.Value:N0}"))}");
        foreach (var (kind, body) in e.FirstRowProblems) Console.WriteLine($"    first {kind}: {body}");
        Console.WriteLine(e.Non200.Count == 0 ? "  answers other than 200: none" : $"  answers other than 200: {string.Join(", ", e.Non200.Select(x => $"{x.Key} x{x.Value:N0}"))}");
        foreach (var (kind, body) in e.FirstNon200) Console.WriteLine($"    first {kind}: {body}");
        if (e.Cpu is { } c)
        {
            Console.WriteLine("  " + CpuSampler.Describe(c).Replace("in the window", "over the enrolments", StringComparison.Ordinal));
            if (CpuCost(c, e.Seconds, e.CreatedRows) is { } cost)
            {
                Console.WriteLine($"  CPU per 1,000 enrolments (core-seconds): service {cost.Service:0.000}, postgres {cost.Postgres:0.000}, bench {cost.Bench:0.000}; " +
                    $"with the {c.Cores} cores to themselves, about {cost.IdleMachineRate:N0} enrolments/s (an estimate: CPU-bound, same mix)");
            }
            if (c.Other >= 20) Console.WriteLine($"  NOTE: other processes used {c.Other:0}% of a core on average: the machine was shared and the rates above are low by about that much.");
        }
        if (s.Cpu is { } sc2 && CpuCost(sc2, s.Seconds, s.Created + s.Changed) is { } pc)
        {
            Console.WriteLine($"  CPU per programme opened (ms): service {pc.Service:0.0}, postgres {pc.Postgres:0.0}, bench {pc.Bench:0.0}; " +
                $"with the {sc2.Cores} cores to themselves, about {pc.IdleMachineRate:N0} programmes/s");
        }
        Console.WriteLine(r.Memory.Count == 0 ? "  service memory: not measured"
            : $"  service memory: RSS {ServiceProcesses.Bytes(r.Memory.Sum(m => m.RssBytes))} at the end (largest sum seen {ServiceProcesses.Bytes(r.PeakRssBytes)}): " +
              string.Join(", ", r.Memory.Select(m => $"{m.Name} pid {m.Pid} RSS {ServiceProcesses.Bytes(m.RssBytes)}, peak {ServiceProcesses.Bytes(m.PeakRssBytes)}")));
        Console.WriteLine($"  memory per 10,000 active villages, programmes open: {ActivationMemory.PerTenThousand(r.IdleMemory, r.ProgrammesMemory)}");
        Console.WriteLine($"  memory per 10,000 active villages at the end (idle ones deactivate): {ActivationMemory.PerTenThousand(r.IdleMemory, r.EnrolledMemory)}");
        if (r.Database is { } d)
        {
            Console.WriteLine($"  database: {ServiceProcesses.Bytes(d.Database)} (orleansstorage {ServiceProcesses.Bytes(d.OrleansStorage)} in {d.StorageRows:N0} rows, " +
                $"nik_registry {ServiceProcesses.Bytes(d.NikRegistry)} in {d.RegistryRows:N0} rows)" +
                (e.CreatedRows > 0 ? $"; {d.Database / (double)e.CreatedRows:N0} bytes per enrolment" : "") +
                (d.Wal is { } wal ? $"; WAL directory {ServiceProcesses.Bytes(wal)}" : ""));
        }
        else Console.WriteLine($"  database: not measured{(r.DatabaseProblem is null ? " (no connection string)" : $" ({r.DatabaseProblem})")}");
        if (r.Check is { } k)
        {
            var enrolled = k.After.WorkersEnrolled - k.Before.WorkersEnrolled;
            Console.WriteLine($"  national figures: totals.workersEnrolled {k.After.WorkersEnrolled:N0}" + (k.Before.WorkersEnrolled > 0 ? $" ({enrolled:+#,0;-#,0;0} in this run)" : "") +
                $" vs {k.CreatedRows:N0} created rows: {(k.Matched ? $"equal, {k.WaitedSeconds:0.0} s after the last batch" : $"NOT EQUAL after waiting {k.WaitedSeconds:0.0} s")}");
            Console.WriteLine($"    villagesWithProgram {k.After.VillagesWithProgram - k.Before.VillagesWithProgram:+#,0;-#,0;0} (new programmes {k.ExpectedVillagesWithProgram:N0}), " +
                $"budgetCommitted {k.After.BudgetCommitted - k.Before.BudgetCommitted:+#,0;-#,0;0} (created x Rp201,600 = {k.ExpectedBudgetCommitted:N0}), " +
                $"villagesAtTarget {k.After.VillagesAtTarget - k.Before.VillagesAtTarget:+#,0;-#,0;0}" + (k.ExpectedVillagesAtTarget >= 0 ? $" (expected {k.ExpectedVillagesAtTarget:N0})" : ""));
        }
        if (e.PerSecond > 0)
        {
            var nation = TimeSpan.FromSeconds(NationalEnrolments / e.PerSecond);
            var needed = NationalEnrolments / Goal.TotalSeconds;
            Console.WriteLine($"  goal: the nation ({NationalEnrolments:N0}) in <= {Goal.TotalMinutes:0} min, i.e. >= {needed:N0} enrolments/s durable: " +
                $"{e.PerSecond:N0}/s {(e.PerSecond >= needed ? "meets it" : "does not")}" +
                (r.Villages < 83_762 ? $" (this run: {r.Villages:N0} villages; at this rate the nation would take {nation.TotalMinutes:0.0} min)" : $" ({e.Seconds / 60:0.0} min)"));
        }
    }

    /// <summary>CPU per 1,000 units in core-seconds (= ms per unit), and units/s with nothing else on the machine.</summary>
    private sealed record Cost(double Service, double Postgres, double Bench, double IdleMachineRate);

    private static Cost? CpuCost(CpuSplit c, double seconds, long units)
    {
        if (units <= 0) return null;
        double PerThousand(double percent) => percent / 100 * seconds / units * 1000;
        var (service, postgres, bench) = (PerThousand(c.Service), PerThousand(c.Postgres), PerThousand(c.Bench));
        var total = service + postgres + bench;
        return total <= 0 ? null : new Cost(service, postgres, bench, c.Cores / total * 1000);
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

/// <summary>Everything a national run measured (written with --json).</summary>
public sealed record NationalResult(
    MachineInfo Machine, BenchOptions Options, string Target, int Seed, int Villages, int Workers, int Batch, int Clients, long Budget, bool Cancelled,
    NationalBench.SetupSummary Setup, NationalBench.EnrolSummary Enrolment, double TotalSeconds,
    List<ProcessMemory> Memory, long PeakRssBytes, DatabaseSize? Database, string? DatabaseProblem, NationalBench.Check? Check,
    ActivationMemory? IdleMemory, ActivationMemory? ProgrammesMemory, ActivationMemory? EnrolledMemory)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void WriteJson(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, JsonSerializer.Serialize(this, JsonOptions));
        Console.WriteLine($"JSON written to {full}");
    }
}

/// <summary>The nation's totals from GET /api/progress.</summary>
public sealed record NationalTotals(long WorkersEnrolled, long VillagesWithProgram, long VillagesAtTarget, long BudgetAllocated, long BudgetCommitted)
{
    public static async Task<NationalTotals> ReadAsync(HttpClient http, Uri baseUrl, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(baseUrl, "/api/progress"), ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        try
        {
            if ((int)response.StatusCode == 200)
            {
                using var doc = JsonDocument.Parse(body);
                var t = doc.RootElement.GetProperty("totals");
                return new NationalTotals(t.GetProperty("workersEnrolled").GetInt64(), t.GetProperty("villagesWithProgram").GetInt64(),
                    t.GetProperty("villagesAtTarget").GetInt64(), t.GetProperty("budgetAllocated").GetInt64(), t.GetProperty("budgetCommitted").GetInt64());
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // not the shape we know: below
        }
        throw new InvalidOperationException($"GET /api/progress answered {(int)response.StatusCode} without the totals: {BenchText.Truncate(Encoding.UTF8.GetString(body))}");
    }
}

/// <summary>Reading a batch answer: {"rows":N,"created":C,...,"results":[{"row":1,"result":"created",...,"error":{...}}]}.</summary>
public static class BatchAnswer
{
    /// <summary>rows and created from the top level, without reading the results (they come after the counts).</summary>
    public static (int Rows, int Created)? Counts(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            int? rows = null, created = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("rows"u8)) { reader.Read(); rows = reader.GetInt32(); }
                else if (reader.ValueTextEquals("created"u8)) { reader.Read(); created = reader.GetInt32(); }
                else { reader.Read(); reader.Skip(); }
                if (rows is { } r && created is { } c) return (r, c);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // unreadable
        }
        return null;
    }

    /// <summary>The rows not created, by kind ("unchanged", "rejected 409 budget-exceeded", ...), with the first row of each kind.</summary>
    public static IEnumerable<(string Kind, long Count, string Example)> NotCreated(ReadOnlySpan<byte> json, int sent)
    {
        var kinds = new Dictionary<string, (long Count, string Example)>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            var results = doc.RootElement.GetProperty("results");
            foreach (var row in results.EnumerateArray())
            {
                var result = row.GetProperty("result").GetString() ?? "?";
                if (result == "created") continue;
                var kind = result;
                if (row.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    var status = error.TryGetProperty("status", out var st) ? st.ToString() : "?";
                    var code = error.TryGetProperty("code", out var cd) ? cd.ToString() : "?";
                    kind = $"{result} {status} {code}";
                }
                kinds[kind] = kinds.TryGetValue(kind, out var seen) ? (seen.Count + 1, seen.Example) : (1, row.GetRawText());
            }
            var answered = results.GetArrayLength();
            if (answered != sent) kinds[$"{sent - answered} rows missing from the answer"] = (Math.Abs(sent - answered), "");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            kinds["unreadable answer"] = (sent, ex.Message);
        }
        return kinds.Select(k => (k.Key, k.Value.Count, k.Value.Example));
    }
}

/// <summary>Calls <c>tick(elapsed, cpu since the last tick)</c> every period until cancelled.</summary>
public static class Ticker
{
    public static async Task RunAsync(TimeSpan period, CancellationToken stop, Action<TimeSpan, CpuSplit?> tick, CpuSampler cpu)
    {
        var clock = Stopwatch.StartNew();
        var last = cpu.Take();
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = cpu.Take();
                tick(clock.Elapsed, CpuSampler.Between(last, now));
                last = now;
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }
}
