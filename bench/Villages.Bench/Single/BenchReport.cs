using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Villages.Bench.Shared;

namespace Villages.Bench.Single;

/// <summary>Everything a run measured: printed as a table, optionally written as JSON.</summary>
public sealed record BenchReport(MachineInfo Machine, BenchOptions Options, string Target, List<RoundResult> Rounds, List<PeerResult> Peer, string? PeerNote,
    ReadResult[]? ReadsAlone = null)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void PrintRound(RoundResult r)
    {
        Console.WriteLine(
            $"  {r.Created:N0} enrolments in {r.Seconds:0} s = {r.CreatedPerSecond:N0}/s; latency ms p50 {r.P50Ms:0.00}  p90 {r.P90Ms:0.00}  " +
            $"p99 {r.P99Ms:0.00}  max {r.MaxMs:0.00}  mean {r.MeanMs:0.00}");
        Console.WriteLine($"  statuses in the window: {string.Join(", ", r.Statuses.Select(s => $"{s.Key} x{s.Value:N0}"))}" +
            $"; warm-up: {r.WarmupRequests:N0} requests, {r.WarmupNon201:N0} not 201; {r.Discarded:N0} straddling the end not counted");
        foreach (var (status, body) in r.FirstProblems) Console.WriteLine($"  first {status}: {body}");
        if (r.Statuses.Keys.Any(k => k != "201"))
        {
            Console.WriteLine("  NOTE: answers other than 201 above. A 409 for the budget means the load design is wrong (see --villages/--budget).");
        }
        if (r.CapacityExceeded)
        {
            Console.WriteLine($"  NOTE: more requests than the {r.Villages:N0} villages' budgets pay for: raise --villages or --budget.");
        }
        foreach (var read in r.Reads ?? []) Console.WriteLine($"  {DescribeRead(read)}");
        if (r.Reads is { Length: > 0 } reads)
        {
            Console.WriteLine($"  ({reads[0].Readers} readers, each alternating the two endpoints, " +
                (reads[0].PacedRate > 0 ? $"{reads[0].PacedRate:N0} reads/s in all on a fixed schedule, each timed from when it was due" : "each as fast as answered") +
                ", during the enrolment load above; 200 answers only)");
        }
        if (r.Staleness is { } s)
        {
            Console.WriteLine(
                $"  staleness, 201 -> national totals.workersEnrolled, of the {s.Measured:N0} enrolments acked in the window: ms p50 {s.P50Ms:0}  " +
                $"p90 {s.P90Ms:0}  p99 {s.P99Ms:0}  max {s.MaxMs:0}  mean {s.MeanMs:0}");
            Console.WriteLine(
                $"    from {s.Samples:N0} samples of GET /api/progress, one every {s.IntervalMs:0.0} ms (read p50 {s.SampleP50Ms:0.000} ms, max {s.SampleMaxMs:0.00} ms), " +
                $"sampled {s.TailSeconds:0.0} s past the load; {s.SeenBeforeAck:N0} counted before their 201 arrived, {s.NeverSeen:N0} never counted" +
                (s.Backwards > 0 ? $", the count went down {s.Backwards:N0} times" : "") +
                (s.FailedSamples > 0 ? $", {s.FailedSamples:N0} samples failed (first: {s.FirstProblem})" : ""));
        }
        if (r.Cpu is { } cpu) Console.WriteLine("  " + CpuSampler.Describe(cpu));
        if (r.AllocatedPerEnrolment is { } bytes)
        {
            Console.WriteLine($"  the service allocated {bytes / 1024:0.0} kB per enrolment in the window (its managed heap, the readers' answers included)");
        }
    }

    /// <summary>One endpoint's reads: rate, latency, size, and any answer other than 200.</summary>
    public static string DescribeRead(ReadResult read)
    {
        var line = $"{read.Endpoint,-8} GET {read.Path}: {read.Reads:N0} reads = {read.ReadsPerSecond:N0}/s; latency ms p50 {read.P50Ms:0.000}  p90 {read.P90Ms:0.000}  " +
            $"p99 {read.P99Ms:0.000}  max {read.MaxMs:0.00}  mean {read.MeanMs:0.000}; {read.MeanBytes / 1024.0:0.0} kB each";
        if (read.Statuses.Keys.Any(k => k != "200"))
        {
            line += $"\n    statuses: {string.Join(", ", read.Statuses.Select(s => $"{s.Key} x{s.Value:N0}"))}";
            foreach (var (status, body) in read.FirstProblems) line += $"\n    first {status}: {body}";
        }
        return line;
    }

    public void PrintSummary()
    {
        Console.WriteLine();
        Console.WriteLine("Summary (ours: POST /api/villages/{code}/enrollments over HTTP, each village with its operator's token; peers on the same PostgreSQL:");
        Console.WriteLine("pgbench running enroll.sql, and the same job behind a minimal ASP.NET Core API with Npgsql and no auth, driven by wrk)");
        Console.WriteLine($"{"clients",7} | {"ours enrol/s",12} | {"p50 ms",8} | {"p99 ms",8} | {"pgbench tps",11} | {"ours/pgbench",12} | {"http peer rps",13} | {"ours/http",9}");
        Console.WriteLine(new string('-', 101));
        foreach (var r in Rounds)
        {
            var p = Peer.FirstOrDefault(x => x.Clients == r.Clients);
            static string Of(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
            static string Ratio(double ours, double? theirs) => theirs is > 0 ? (ours / theirs.Value).ToString("0.00", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine($"{r.Clients,7} | {r.CreatedPerSecond,12:N0} | {r.P50Ms,8:0.00} | {r.P99Ms,8:0.00} | {Of(p?.EnrollTps, "N0"),11} | {Ratio(r.CreatedPerSecond, p?.EnrollTps),12} | " +
                $"{Of(p?.HttpEnrollRps, "N0"),13} | {Ratio(r.CreatedPerSecond, p?.HttpEnrollRps),9}");
        }
        if (PeerNote is not null) Console.WriteLine($"peer: {PeerNote}");
        foreach (var p in Peer.Where(p => p.Error is not null)) Console.WriteLine($"peer with {p.Clients} clients failed: {p.Error}");
        PrintReadsSummary();
        Console.WriteLine($"target: {Target}; {Options.Seconds} s measured after {Options.Warmup} s warm-up per round");
        Console.WriteLine(Machine);
    }

    /// <summary>Goal of the live-progress reads: national p99 under this many ms...</summary>
    public const double GoalP99Ms = 5;

    /// <summary>...at this many times the peer's national reads per second.</summary>
    public const double GoalRatio = 50;

    private void PrintReadsSummary()
    {
        if (!Rounds.Any(r => r.Reads is not null || r.Staleness is not null) && ReadsAlone is null) return;
        static string F(double? v, string format) => v is { } x && !double.IsNaN(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
        Console.WriteLine();
        Console.WriteLine("Progress reads. Ours: GET /api/progress (nation) and /api/progress/{province} by the readers, DURING each round's enrolment load,");
        Console.WriteLine("sharing the machine with it. Peer: pgbench national.sql (an aggregate over 83,762 village rows), 4 clients, in its OWN phase");
        Console.WriteLine("after our service stopped, with no load of ours; pgbench gives its mean latency only. Staleness: 201 -> national figures.");
        Console.WriteLine($"{"clients",7} | {"natl reads/s",12} | {"p50 ms",7} | {"p99 ms",7} | {"prov reads/s",12} | {"p50 ms",7} | {"p99 ms",7} | " +
            $"{"peer natl tps",13} | {"peer mean ms",12} | {"natl ours/peer",14} | {"staleness p50/p99/max ms",24}");
        Console.WriteLine(new string('-', 152));
        foreach (var r in Rounds)
        {
            var nation = r.Reads?.FirstOrDefault(x => x.Endpoint == "nation");
            var province = r.Reads?.FirstOrDefault(x => x.Endpoint == "province");
            var p = Peer.FirstOrDefault(x => x.Clients == r.Clients);
            var ratio = nation is not null && p?.NationalReadTps is > 0 ? nation.ReadsPerSecond / p.NationalReadTps.Value : (double?)null;
            var staleness = r.Staleness is { } s ? $"{F(s.P50Ms, "0")} / {F(s.P99Ms, "0")} / {F(s.MaxMs, "0")}" : "-";
            Console.WriteLine($"{r.Clients,7} | {F(nation?.ReadsPerSecond, "N0"),12} | {F(nation?.P50Ms, "0.000"),7} | {F(nation?.P99Ms, "0.000"),7} | " +
                $"{F(province?.ReadsPerSecond, "N0"),12} | {F(province?.P50Ms, "0.000"),7} | {F(province?.P99Ms, "0.000"),7} | " +
                $"{F(p?.NationalReadTps, "N1"),13} | {F(p?.NationalReadMs, "0.000"),12} | {F(ratio, "0.0") + (ratio is null ? "" : "x"),14} | {staleness,24}");
        }
        foreach (var r in Rounds.Where(r => r.Reads is not null))
        {
            var nation = r.Reads!.First(x => x.Endpoint == "nation");
            var p = Peer.FirstOrDefault(x => x.Clients == r.Clients);
            var ratio = p?.NationalReadTps is > 0 ? nation.ReadsPerSecond / p.NationalReadTps.Value : (double?)null;
            if (nation.PacedRate > 0)
            {
                // Paced reads beside the load: the tail is the goal here; the rate is the bench's, the 50x is judged alone.
                Console.WriteLine($"goal, {r.Clients} clients: national read p99 < {GoalP99Ms:0} ms under the enrolment load: p99 {F(nation.P99Ms, "0.000")} ms" +
                    (nation.P99Ms < GoalP99Ms ? ": met" : ": not met") +
                    $" ({nation.Readers} readers on two endpoints, {nation.PacedRate:N0} reads/s in all = {F(ratio is null ? null : nation.PacedRate / p!.NationalReadTps!.Value, "0.0")}x the peer's national reads/s; {r.Clients} enrolment clients running)");
                continue;
            }
            var met = nation.P99Ms < GoalP99Ms && ratio >= GoalRatio;
            Console.WriteLine($"goal, {r.Clients} clients: national read p99 < {GoalP99Ms:0} ms at >= {GoalRatio:0}x the peer's national reads/s: " +
                $"p99 {F(nation.P99Ms, "0.000")} ms at {F(ratio, "0.0")}x" + (ratio is null ? " (no peer figure)" : met ? ": met" : ": not met") +
                $" (with {nation.Readers} readers on two endpoints, each as fast as answered, and {r.Clients} enrolment clients running)");
        }
        if (ReadsAlone?.FirstOrDefault(x => x.Endpoint == "nation") is { } alone)
        {
            var best = Peer.Where(p => p.NationalReadTps is > 0).Select(p => p.NationalReadTps!.Value).DefaultIfEmpty(0).Max();
            var ratio = best > 0 ? alone.ReadsPerSecond / best : (double?)null;
            var met = alone.P99Ms < GoalP99Ms && ratio >= GoalRatio;
            Console.WriteLine($"goal, reads alone (no enrolment load, as the peer's reads run): national {alone.ReadsPerSecond:N0}/s, p50 {F(alone.P50Ms, "0.000")} ms, " +
                $"p99 {F(alone.P99Ms, "0.000")} ms, {F(ratio, "0.0")}x the peer's best national reads/s ({best:N1})" +
                (ratio is null ? " (no peer figure)" : met ? ": met" : ": not met") +
                (ReadsAlone.Length == 1 ? $" (wrk, {alone.Readers} connections on the nation)" : $" ({alone.Readers} readers on two endpoints)"));
        }
        foreach (var r in Rounds.Where(r => r.Staleness is not null))
        {
            Console.WriteLine($"staleness, {r.Clients} clients: p99 {F(r.Staleness!.P99Ms, "0")} ms; documented bound about 3-4 x Villages:Progress:PushInterval (250 ms by default), under 1,000 ms");
        }
    }

    public void WriteJson(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, JsonSerializer.Serialize(this, JsonOptions));
        Console.WriteLine($"JSON written to {full}");
    }
}
