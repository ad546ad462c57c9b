using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Villages.Bench.Single;

/// <summary>
/// The peers' figures for one client count: pgbench running the job as plain SQL transactions, and
/// the same job behind a minimal ASP.NET Core API (Npgsql, no auth) driven by wrk.
/// </summary>
public sealed record PeerResult(int Clients, double? EnrollTps, double? NationalReadTps, double? NationalReadMs, double Took, string? Error)
{
    /// <summary>The HTTP+SQL peer's enrolments per second (wrk) and their p99, when it ran.</summary>
    public double? HttpEnrollRps { get; init; }
    public double? HttpEnrollP99Ms { get; init; }
    public string? HttpError { get; init; }
}

/// <summary>
/// Runs a peer's script (<c>run HOST PORT SECONDS CLIENTS</c>) against the bench's PostgreSQL (its
/// password given as PGPASSWORD) and reads its last line of figures: the SQL baseline's
/// <c>enroll_tps=N national_read_tps=N national_read_ms=N</c>, the HTTP peer's
/// <c>enroll_rps=N enroll_p50_ms=N enroll_p99_ms=N progress_rps=N progress_p99_ms=N</c>.
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

    /// <summary>The HTTP peer's script beside the SQL baseline's (../http-sql/run).</summary>
    public static string? HttpPeerOf(string sqlScript) =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sqlScript)!, "..", "http-sql", "run")) is var path && File.Exists(path) ? path : null;

    public static async Task<PeerResult> RunAsync(string script, string host, int port, string? password, int seconds, int clients, CancellationToken ct)
    {
        var (took, output, error) = await RunScriptAsync(script, host, port, password, seconds, clients, ct);
        if (error is not null) return new PeerResult(clients, null, null, null, took, error);
        var match = SqlFigures().Match(output);
        return match.Success
            ? new PeerResult(clients, Number(match.Groups[1].Value), Number(match.Groups[2].Value), Number(match.Groups[3].Value), took, null)
            : new PeerResult(clients, null, null, null, took, $"no figures line; output:\n{Tail(output)}");
    }

    /// <summary>Adds the HTTP peer's figures (it runs its own database on the same server).</summary>
    public static async Task<PeerResult> WithHttpPeerAsync(PeerResult sql, string script, string host, int port, string? password, int seconds, CancellationToken ct)
    {
        var (_, output, error) = await RunScriptAsync(script, host, port, password, seconds, sql.Clients, ct);
        var match = error is null ? HttpFigures().Match(output) : Match.Empty;
        return match.Success
            ? sql with { HttpEnrollRps = Number(match.Groups[1].Value), HttpEnrollP99Ms = Number(match.Groups[2].Value) }
            : sql with { HttpError = error ?? $"no figures line; output:\n{Tail(output)}" };
    }

    private static async Task<(double Took, string Output, string? Error)> RunScriptAsync(string script, string host, int port, string? password, int seconds, int clients,
        CancellationToken ct)
    {
        var info = new ProcessStartInfo("bash")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        foreach (var arg in new[] { script, host, port.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture), clients.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var name in new[] { "PGDATABASE", "PGUSER", "PGPASSWORD", "PGOPTIONS", "PGHOST", "PGPORT" }) info.Environment.Remove(name);
        if (password is not null) info.Environment["PGPASSWORD"] = password; // psql, pgbench and Npgsql all read it

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start bash.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        // Loading the villages (and building a peer, the first time), then the enrolment run and the read run of SECONDS each.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds((2 * seconds) + 400));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (ct.IsCancellationRequested) throw;
            return (clock.Elapsed.TotalSeconds, "", "the peer did not finish in time");
        }
        var output = (await stdout) + (await stderr);
        return (clock.Elapsed.TotalSeconds, output, process.ExitCode == 0 ? null : $"exit code {process.ExitCode}; output:\n{Tail(output)}");
    }

    private static string Tail(string output) => output.Trim() is var text && text.Length > 1500 ? "..." + text[^1500..] : output.Trim();

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    // Empty numbers are possible when pgbench failed: then the value is null.
    [GeneratedRegex(@"enroll_tps=([0-9.]*)\s+national_read_tps=([0-9.]*)\s+national_read_ms=([0-9.]*)")]
    private static partial Regex SqlFigures();

    [GeneratedRegex(@"enroll_rps=([0-9.]*)\s+enroll_p50_ms=[0-9.]*\s+enroll_p99_ms=([0-9.]*)")]
    private static partial Regex HttpFigures();
}
