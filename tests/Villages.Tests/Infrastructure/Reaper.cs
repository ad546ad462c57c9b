using System.Diagnostics;
using System.Globalization;

namespace Villages.Tests.Infrastructure;

/// <summary>
/// Cleans up after the test process once it is gone, however it went. The test host gets about
/// 100 ms to exit after the last test before it is killed, too little to stop a server and delete a
/// cluster, and a killed process runs no exit handlers anyway. So a small detached shell watches
/// this process instead: once it is gone, the shell kills the processes listed in a file, runs a
/// stop command and deletes the directories. It is double-forked into its own session so that
/// killing the test host, or its process tree, does not take it along.
/// </summary>
public static class Reaper
{
    /// <param name="pidsFile">A file of process ids (any whitespace between them) to SIGKILL; ignored if absent then.</param>
    /// <param name="stopCommand">A command line to run (e.g. pg_ctl stop), or null.</param>
    /// <param name="paths">Directories to delete.</param>
    public static void Start(string? pidsFile, IReadOnlyList<string>? stopCommand, params string[] paths)
    {
        // $1: the PID to watch, $2: the pids file, $3: the stop command (shell-quoted), then the directories to delete.
        const string watch =
            """
            pid="$1"; pids="$2"; stop="$3"; shift 3
            while kill -0 "$pid" 2>/dev/null; do sleep 1; done
            if [ -n "$pids" ] && [ -f "$pids" ]; then kill -9 $(cat "$pids") 2>/dev/null; fi
            if [ -n "$stop" ]; then eval "$stop"; fi
            rm -rf "$@"
            """;
        const string detach = "script=\"$1\"; shift; setsid /bin/sh -c \"$script\" reaper \"$@\" </dev/null >/dev/null 2>&1 &";

        string[] args =
        [
            "-c", detach, "launcher", watch,
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            pidsFile ?? "",
            stopCommand is null ? "" : string.Join(' ', stopCommand.Select(ShellQuote)),
            .. paths,
        ];
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var launcher = Process.Start(info);
        launcher?.WaitForExit(TimeSpan.FromSeconds(10));

        static string ShellQuote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
