using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Villages.Bench.Single;

/// <summary>The peer's figures for one client count (pgbench: the same job as plain SQL transactions).</summary>
public sealed record PeerResult(int Clients, double? EnrollTps, double? NationalReadTps, double? NationalReadMs, double Took, string? Error);

/// <summary>
/// Runs the peer's script (<c>run HOST PORT SECONDS CLIENTS</c>) against a PostgreSQL server and
/// reads its one line of figures: <c>enroll_tps=N national_read_tps=N national_read_ms=N</c>.
/// </summary>
public static partial class PeerBaseline
{
    public const string RelativeToRepo = "../shared/peer/sql-baseline/run";
    public const string WellKnown = "/work/shared/peer/sql-baseline/run";

    /// <summary>--peer, else ../shared/peer/sql-baseline/run from the repository root, else the well-known path.</summary>
    public static string? Find(string? given, string? repoRoot)
    {
        if (given is not null) return File.Exists(given) ? Path.GetFullPath(given) : null;
        var candidates = new List<string>();
        if (repoRoot is not null) candidates.Add(Path.GetFullPath(Path.Combine(repoRoot, RelativeToRepo)));
        candidates.Add(WellKnown);
        return candidates.FirstOrDefault(File.Exists);
    }

    public static async Task<PeerResult> RunAsync(string script, string host, int port, int seconds, int clients, CancellationToken ct)
    {
        var info = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        foreach (var arg in new[] { script, host, port.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture), clients.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var name in new[] { "PGDATABASE", "PGUSER", "PGPASSWORD", "PGOPTIONS", "PGHOST", "PGPORT" }) info.Environment.Remove(name);

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start bash.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        // Loading the villages, then the enrolment run and the national read run of SECONDS each.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds((2 * seconds) + 300));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (ct.IsCancellationRequested) throw;
            return new PeerResult(clients, null, null, null, clock.Elapsed.TotalSeconds, "the peer did not finish in time");
        }

        var output = (await stdout) + (await stderr);
        var match = FiguresLine().Match(output);
        if (process.ExitCode != 0 || !match.Success)
        {
            var text = output.Trim();
            var tail = text.Length > 1500 ? "..." + text[^1500..] : text;
            return new PeerResult(clients, null, null, null, clock.Elapsed.TotalSeconds,
                $"exit code {process.ExitCode}, no figures line; output:\n{tail}");
        }
        return new PeerResult(clients, Number(match.Groups[1].Value), Number(match.Groups[2].Value), Number(match.Groups[3].Value),
            clock.Elapsed.TotalSeconds, null);
    }

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    // Empty numbers are possible when pgbench failed: then the value is null.
    [GeneratedRegex(@"enroll_tps=([0-9.]*)\s+national_read_tps=([0-9.]*)\s+national_read_ms=([0-9.]*)")]
    private static partial Regex FiguresLine();
}
