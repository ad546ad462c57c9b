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

/// <summary>Adopting a server already running on the data directory, or clearing the lock file of a dead one.</summary>
public sealed partial class LocalPostgres
{
    private async Task<bool> TryAdoptRunningServerAsync(CancellationToken ct)
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        var info = ReadPidFile(pidFile);
        if (info is null)
        {
            return false;
        }

        if (!IsProcessAlive(info.Pid))
        {
            // A crash left the lock file behind. The server checks this case itself on start
            // (dead PID, then no shared memory still attached), which is safer than deleting it here.
            _logger.LogInformation("Found postmaster.pid of a server that is gone (PID {Pid}); starting afresh.", info.Pid);
            return false;
        }

        if (!IsPostgresProgram(info.Pid))
        {
            // The PID was reused by an unrelated program (typical after a container restart). The
            // server would take that program for a running postmaster and refuse to start.
            var users = ProcessesWorkingIn(DataDirectory);
            if (users.Count > 0)
            {
                throw new InvalidOperationException(
                    $"{DataDirectory} is locked by postmaster.pid (PID {info.Pid}) and processes still work in it " +
                    $"(PIDs {string.Join(", ", users)}). Stop them before starting LocalPostgres.");
            }

            _logger.LogWarning("Removing stale postmaster.pid in {DataDirectory}: PID {Pid} now belongs to another program.", DataDirectory, info.Pid);
            File.Delete(pidFile);
            return false;
        }

        if (!ServesDataDirectory(info.Pid, pidFile))
        {
            // Never delete the lock file while a PostgreSQL process holds its PID: two servers on one
            // data directory would corrupt it.
            throw new InvalidOperationException(
                $"{pidFile} names PID {info.Pid}, a PostgreSQL process that does not seem to serve {DataDirectory}. " +
                "Stop that process, or remove postmaster.pid by hand if you are sure no server uses this directory.");
        }

        // A live server of this data directory (started by another process, or by us before).
        var deadline = DateTime.UtcNow + _options.StartTimeout;
        while (info is { Status: not "ready" } && DateTime.UtcNow < deadline && IsProcessAlive(info.Pid))
        {
            await Task.Delay(100, ct).ConfigureAwait(false);
            info = ReadPidFile(pidFile) ?? info with { Status = "gone" };
        }

        if (info is not { Status: "ready", Port: > 0 })
        {
            throw new InvalidOperationException(
                $"A PostgreSQL server (PID {info.Pid}) owns {DataDirectory} but did not become ready (status '{info.Status}').\n{ReadLogTail()}");
        }

        Port = info.Port;
        OwnsServer = false;
        _logger.LogInformation("Using the PostgreSQL server already running on {DataDirectory} (PID {Pid}, port {Port}).", DataDirectory, info.Pid, Port);
        await WaitUntilAcceptingAsync(0, ct).ConfigureAwait(false);
        return true;
    }

    private static PidFileInfo? ReadPidFile(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        // Line 1: PID, 4: port, 8: status ("starting", "ready", "stopping"); see PostgreSQL's pidfile.h.
        if (lines.Length == 0 || !int.TryParse(lines[0].Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        var port = lines.Length > 3 && int.TryParse(lines[3].Trim(), CultureInfo.InvariantCulture, out var p) ? p : 0;
        var status = lines.Length > 7 ? lines[7].Trim() : "";
        return new PidFileInfo(pid, port, status);
    }

    private static bool IsProcessAlive(int pid) => Directory.Exists($"/proc/{pid}");

    private static bool IsPostgresProgram(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            var program = Path.GetFileName(cmdline.Split('\0', 2)[0]);
            return program.StartsWith("postgres", StringComparison.Ordinal) || program.StartsWith("postmaster", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // The postmaster runs with its data directory as working directory, so its lock file is visible
    // through /proc/<pid>/cwd; comparing contents also works when the two paths differ by symlinks.
    private bool ServesDataDirectory(int pid, string pidFile)
    {
        if (WorkingDirectoryOf(pid) is { } cwd && PathsEqual(cwd, DataDirectory))
        {
            return true;
        }

        try
        {
            return File.ReadAllText($"/proc/{pid}/cwd/postmaster.pid") == File.ReadAllText(pidFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static List<int> ProcessesWorkingIn(string dataDirectory)
    {
        var pids = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), CultureInfo.InvariantCulture, out var pid) &&
                WorkingDirectoryOf(pid) is { } cwd && PathsEqual(cwd, dataDirectory))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    private static string? WorkingDirectoryOf(int pid)
    {
        try
        {
            return File.ResolveLinkTarget($"/proc/{pid}/cwd", returnFinalTarget: false)?.FullName;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool PathsEqual(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);

    private sealed record PidFileInfo(int Pid, int Port, string Status);
}
