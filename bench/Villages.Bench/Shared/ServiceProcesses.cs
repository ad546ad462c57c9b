using System.Globalization;

namespace Villages.Bench.Shared;

/// <summary>Resident memory of one process, from /proc/PID/status: now (VmRSS) and its peak (VmHWM), in bytes.</summary>
public sealed record ProcessMemory(int Pid, string Name, long RssBytes, long PeakRssBytes);

/// <summary>
/// The service's processes on this machine and their memory, from /proc (Linux): the WebApi child the
/// bench started, the pids given with --pids, or every process running Villages.Silo or
/// Villages.WebApi (as an apphost or as <c>dotnet Villages.X.dll</c>).
/// </summary>
public static class ServiceProcesses
{
    private static readonly string[] Names = ["Villages.Silo", "Villages.WebApi"];

    /// <summary>Every process on this machine whose program is Villages.Silo or Villages.WebApi, but not this one.</summary>
    public static IReadOnlyList<int> Discover()
    {
        var found = new List<int>();
        if (!OperatingSystem.IsLinux()) return found;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId) continue;
            if (NameOf(pid) is not null) found.Add(pid);
        }
        found.Sort();
        return found;
    }

    /// <summary>Villages.Silo or Villages.WebApi when the process runs one of them (argv[0] or the dll passed to dotnet), else null.</summary>
    public static string? NameOf(int pid)
    {
        string[] argv;
        try { argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
        // dotnet [exec] [host options] Villages.WebApi.dll ...: the first argument that names a program.
        foreach (var arg in argv.Take(6))
        {
            var file = Path.GetFileName(arg);
            if (file.EndsWith(".dll", StringComparison.Ordinal)) file = file[..^4];
            if (Names.Contains(file, StringComparer.Ordinal)) return file;
        }
        return null;
    }

    /// <summary>The command line, shortened, to show which process was measured.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            return text.Length <= 120 ? text : text[..120] + "...";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "(gone)";
        }
    }

    public static ProcessMemory? Memory(int pid)
    {
        try
        {
            long rss = 0, peak = 0;
            var name = "?";
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("Name:", StringComparison.Ordinal)) name = line[5..].Trim();
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line) * 1024;
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kilobytes(line) * 1024;
            }
            return new ProcessMemory(pid, NameOf(pid) ?? name, rss, peak);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;   // gone
        }
    }

    /// <summary>The summed RSS of the processes (those still running), in bytes.</summary>
    public static long TotalRss(IEnumerable<int> pids) => pids.Select(Memory).Sum(m => m?.RssBytes ?? 0);

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0} MiB",
        _ => $"{bytes / 1024.0:0} KiB",
    };

    // "VmRSS:	  123456 kB"
    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
}
