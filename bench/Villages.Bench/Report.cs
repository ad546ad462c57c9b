using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Villages.Bench;

/// <summary>Where the figures were taken.</summary>
public sealed record MachineInfo(int Cores, string Cpu, string DateUtc, string? Commit, string Runtime, string Os)
{
    public static MachineInfo Describe(string? repoRoot)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        string? commit = null;
        if (repoRoot is not null && Git(repoRoot, "rev-parse", "--short=12", "HEAD") is { Length: > 0 } head)
        {
            commit = Git(repoRoot, "status", "--porcelain", "--untracked-files=no") is { Length: > 0 } ? head + "+dirty" : head;
        }
        return new MachineInfo(Environment.ProcessorCount, cpu, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            commit, RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription);
    }

    public override string ToString() =>
        $"machine: {Cores} cores ({Cpu}), {DateUtc}, commit {Commit ?? "unknown"}, {Runtime}, {Os}";

    private static string? Git(string repo, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("-C");
            info.ArgumentList.Add(repo);
            foreach (var a in args) info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;   // no git
        }
    }
}

/// <summary>Everything a run measured: printed as a table, optionally written as JSON.</summary>
public sealed record BenchReport(MachineInfo Machine, BenchOptions Options, string Target, List<RoundResult> Rounds, List<PeerResult> Peer, string? PeerNote)
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
        if (r.Cpu is { } cpu) Console.WriteLine("  " + CpuSampler.Describe(cpu));
    }

    public void PrintSummary()
    {
        Console.WriteLine();
        Console.WriteLine("Summary (ours: POST /api/villages/{code}/enrollments over HTTP; peer: pgbench enroll.sql on the same PostgreSQL)");
        Console.WriteLine($"{"clients",7} | {"ours enrol/s",12} | {"p50 ms",8} | {"p99 ms",8} | {"peer enroll_tps",15} | {"ours/peer",9} | {"peer natl read ms",17}");
        Console.WriteLine(new string('-', 93));
        foreach (var r in Rounds)
        {
            var p = Peer.FirstOrDefault(x => x.Clients == r.Clients);
            var peerTps = p?.EnrollTps is { } t ? t.ToString("N0", CultureInfo.InvariantCulture) : "-";
            var ratio = p?.EnrollTps is { } t2 && t2 > 0 ? (r.CreatedPerSecond / t2).ToString("0.00", CultureInfo.InvariantCulture) : "-";
            var read = p?.NationalReadMs is { } ms ? ms.ToString("0.000", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine($"{r.Clients,7} | {r.CreatedPerSecond,12:N0} | {r.P50Ms,8:0.00} | {r.P99Ms,8:0.00} | {peerTps,15} | {ratio,9} | {read,17}");
        }
        if (PeerNote is not null) Console.WriteLine($"peer: {PeerNote}");
        foreach (var p in Peer.Where(p => p.Error is not null)) Console.WriteLine($"peer with {p.Clients} clients failed: {p.Error}");
        Console.WriteLine($"target: {Target}; {Options.Seconds} s measured after {Options.Warmup} s warm-up per round");
        Console.WriteLine(Machine);
    }

    public void WriteJson(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, JsonSerializer.Serialize(this, JsonOptions));
        Console.WriteLine($"JSON written to {full}");
    }
}
