using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Villages.Bench.Shared;

namespace Villages.Bench.Single;

/// <summary>What one wrk run printed (wrk-load.lua's done line): latencies cover every answer, as the HTTP peer's do.</summary>
public sealed record WrkFigures(
    long Ok, long Requests, double Seconds, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs, long Bytes,
    SortedDictionary<string, long> Statuses, string? FirstProblem);

/// <summary>
/// Drives the service with wrk, the load generator the HTTP peer is measured with, so all three systems
/// share the two cores with the same kind of client. Enrolments go to the round's villages round-robin, each with its own
/// operator's token (wrk-load.lua); NIKs are numbered over the whole run so none repeats.
/// </summary>
public sealed partial class WrkDriver(string wrk, long seed)
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Single", "wrk-load.lua");
    private long _nextNik = seed * 20_000_000L;

    /// <summary>wrk on the PATH, installed from Debian (as the HTTP peer's script does) when missing and allowed; else null.</summary>
    public static async Task<string?> FindAsync(CancellationToken ct)
    {
        if (Which("wrk") is { } found) return found;
        if (!Environment.IsPrivilegedProcess || Which("apt-get") is null) return null;
        Console.WriteLine("Installing wrk from Debian (the load generator of the HTTP peer, and ours)...");
        await RunAsync("bash", ["-c", "apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }"], null, ct);
        return Which("wrk");
    }

    /// <summary>The villages' file: code, area (the district's six digits) and token per line.</summary>
    public static async Task<string> VillagesFileAsync(IReadOnlyList<string> villages, BenchToken tokens, Cleanup cleanup)
    {
        var path = Path.Combine(Path.GetTempPath(), $"villages-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.csv");
        cleanup.Add(() => File.Delete(path));
        var lines = new List<string>(villages.Count);
        foreach (var code in villages) lines.Add($"{code},{code[..8].Replace(".", "", StringComparison.Ordinal)},{await tokens.ForAsync(code)}");
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    /// <summary>
    /// POSTs new workers for <paramref name="seconds"/> on <paramref name="clients"/> connections; the
    /// villages from number <paramref name="villageOffset"/> on. Returns the figures and the next offset.
    /// </summary>
    public async Task<(WrkFigures Figures, long NextOffset)> EnrolAsync(Uri baseUrl, string villagesFile, long villageOffset, int clients, double seconds, CancellationToken ct)
    {
        var env = new Dictionary<string, string>
        {
            ["VILLAGES"] = villagesFile, ["FIRST"] = _nextNik.ToString(CultureInfo.InvariantCulture),
            ["VOFFSET"] = villageOffset.ToString(CultureInfo.InvariantCulture), ["THREADS"] = "1",
        };
        var figures = await RunWrkAsync(baseUrl, clients, seconds, env, ct);
        // Requests still in flight when wrk stopped reached the service too: skip past them.
        var used = figures.Requests + clients;
        _nextNik += used;
        return (figures, villageOffset + used);
    }

    /// <summary>Plain GETs of one path (no token: progress is public) on <paramref name="connections"/> connections.</summary>
    public Task<WrkFigures> ReadAsync(Uri url, int connections, double seconds, CancellationToken ct) =>
        RunWrkAsync(url, connections, seconds, new Dictionary<string, string>(), ct);

    /// <summary>wrk's figures as a round's result (the window's statuses and latencies; warm-up counted apart).</summary>
    public static RoundResult ToRound(WrkFigures f, WrkFigures? warmup, int clients, int villages, long capacity, long used) =>
        new(clients, villages, warmup?.Seconds ?? 0, f.Seconds, f.Statuses.GetValueOrDefault("201"), f.Requests, f.Statuses.GetValueOrDefault("201") / f.Seconds,
            f.P50Ms, f.P90Ms, f.P99Ms, f.MaxMs, f.MeanMs, f.Statuses, Problems(f), warmup?.Requests ?? 0,
            warmup is null ? 0 : warmup.Requests - warmup.Statuses.GetValueOrDefault("201"), 0, used > capacity);

    /// <summary>wrk's figures as the reads of one endpoint.</summary>
    public static ReadResult ToReads(WrkFigures f, string endpoint, string path, int connections) =>
        new(endpoint, path, connections, f.Seconds, f.Statuses.GetValueOrDefault("200"), f.Statuses.GetValueOrDefault("200") / f.Seconds,
            f.P50Ms, f.P90Ms, f.P99Ms, f.MaxMs, f.MeanMs, f.Requests == 0 ? 0 : f.Bytes / f.Requests, f.Statuses, Problems(f), 0);

    private static SortedDictionary<string, string> Problems(WrkFigures f) => f.FirstProblem is { } p
        ? new(StringComparer.Ordinal) { [p.Split(' ', 2)[0]] = BenchText.Truncate(p) }
        : new(StringComparer.Ordinal);

    private async Task<WrkFigures> RunWrkAsync(Uri url, int connections, double seconds, Dictionary<string, string> env, CancellationToken ct)
    {
        var duration = Math.Max(1, (int)Math.Round(seconds)).ToString(CultureInfo.InvariantCulture);
        var output = await RunAsync(wrk, ["-t", "1", "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{duration}s", "--timeout", "10s", "-s", Script, url.ToString()], env, ct);
        var line = DoneLine().Match(output);
        if (!line.Success) throw new InvalidOperationException($"wrk printed no figures:\n{output.Trim()}");
        var statuses = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var pair in line.Groups["statuses"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (status, count) = (pair.Split(':')[0], pair.Split(':')[1]);
            statuses[status] = long.Parse(count, CultureInfo.InvariantCulture);
        }
        var requests = long.Parse(line.Groups["requests"].Value, CultureInfo.InvariantCulture);
        var errors = requests - statuses.Values.Sum();
        if (errors > 0) statuses["error"] = errors;   // connect, read, write or timeout errors: no status
        double D(string name) => double.Parse(line.Groups[name].Value, CultureInfo.InvariantCulture);
        var first = FirstLine().Match(output);
        return new WrkFigures(long.Parse(line.Groups["ok"].Value, CultureInfo.InvariantCulture), requests, D("secs"), D("p50"), D("p90"), D("p99"), D("max"), D("mean"),
            long.Parse(line.Groups["bytes"].Value, CultureInfo.InvariantCulture), statuses, first.Success ? first.Groups[1].Value.Trim() : null);
    }

    private static async Task<string> RunAsync(string file, IEnumerable<string> args, Dictionary<string, string>? env, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (k, v) in env ?? []) info.Environment[k] = v;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return await stdout + await stderr;
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    [GeneratedRegex(@"ok=(?<ok>\d+) requests=(?<requests>\d+) secs=(?<secs>[0-9.]+) p50_ms=(?<p50>[0-9.]+) p90_ms=(?<p90>[0-9.]+) p99_ms=(?<p99>[0-9.]+) " +
        @"max_ms=(?<max>[0-9.]+) mean_ms=(?<mean>[0-9.]+) bytes=(?<bytes>\d+) statuses=(?<statuses>[0-9:,]*)")]
    private static partial Regex DoneLine();

    [GeneratedRegex(@"^first=(.*)$", RegexOptions.Multiline)]
    private static partial Regex FirstLine();
}
