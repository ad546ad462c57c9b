using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Villages.Silo.Postgres;

/// <summary>Stopping the server: from this process, from an exit handler, or from outside.</summary>
public sealed partial class LocalPostgres
{
    /// <summary>Stops the server (pg_ctl stop -m fast) if this instance started it.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (!BeginStop())
        {
            return;
        }

        var result = await RunToolAsync("pg_ctl", StopArguments(immediate: false), TimeSpan.FromSeconds(90), ct).ConfigureAwait(false);
        ReportStop(result);
    }

    /// <summary>
    /// Stops the server synchronously, for process-exit handlers. <paramref name="immediate"/> uses
    /// pg_ctl's immediate mode (no shutdown checkpoint; crash recovery on next start), for throw-away clusters.
    /// </summary>
    public void Stop(bool immediate = false)
    {
        if (!BeginStop())
        {
            return;
        }

        ReportStop(RunTool("pg_ctl", StopArguments(immediate), TimeSpan.FromSeconds(90)));
    }

    /// <summary>
    /// Stops whatever server runs on <paramref name="dataDirectory"/>, e.g. one left behind by a killed
    /// process (pg_ctl stop, as the server user when this process is root). Returns true if pg_ctl succeeded.
    /// </summary>
    public static bool StopServer(string dataDirectory, bool immediate = false, string? binDirectory = null)
    {
        var (fileName, arguments) = ToolCommand(binDirectory ?? FindBinDirectory(), Environment.IsPrivilegedProcess, "pg_ctl",
            StopArguments(dataDirectory, immediate));
        return RunProcess(fileName, arguments, TimeSpan.FromSeconds(90)).ExitCode == 0;
    }

    /// <summary>
    /// The command line that stops this server (pg_ctl stop, through runuser when this process is root),
    /// for callers that must stop it from outside this process, e.g. a clean-up script.
    /// </summary>
    public IReadOnlyList<string> GetStopCommand(bool immediate = false)
    {
        var (fileName, arguments) = ToolCommand(BinDirectory, _runAsServerUser, "pg_ctl", StopArguments(immediate));
        return [fileName, .. arguments];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private bool BeginStop()
    {
        lock (_stopLock)
        {
            if (_stopped)
            {
                return false;
            }

            _stopped = true;
        }

        if (!OwnsServer)
        {
            _logger.LogDebug("Leaving the adopted PostgreSQL server on {DataDirectory} running.", DataDirectory);
            return false;
        }

        return true;
    }

    private string[] StopArguments(bool immediate) => StopArguments(DataDirectory, immediate);

    private static string[] StopArguments(string dataDirectory, bool immediate) =>
        ["stop", "-D", dataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "60", "-s"];

    private void ReportStop(ToolResult result)
    {
        if (result.ExitCode == 0)
        {
            _logger.LogInformation("PostgreSQL on port {Port} stopped.", Port);
        }
        else
        {
            _logger.LogWarning("pg_ctl stop for {DataDirectory} exited with {ExitCode}: {Output}", DataDirectory, result.ExitCode, result.Output.Trim());
        }
    }
}
