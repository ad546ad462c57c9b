using System.Globalization;

namespace Villages.Bench.Shared;

/// <summary>CPU used over a window, in percent of one core (a 2-core machine has 200%).</summary>
public sealed record CpuSplit(int Cores, double Service, double Postgres, double Bench, double Other, double Idle);

/// <summary>
/// Who used the CPU during a load round, from /proc (Linux): the WebApi child, the PostgreSQL
/// postmaster with its backends (exited backends are folded into the postmaster's children's time),
/// this process, and everything else on the machine (parallel work skews figures: it shows here).
/// </summary>
public sealed class CpuSampler
{
    private readonly int[] _servicePids;
    private readonly int? _postmasterPid;

    public CpuSampler(int? servicePid, int? postmasterPid)
        : this(servicePid is { } s ? [s] : [], postmasterPid)
    {
    }

    /// <summary>A service of several processes (silos and WebApi nodes on this machine): their CPU is summed.</summary>
    public CpuSampler(IReadOnlyList<int> servicePids, int? postmasterPid)
    {
        _servicePids = [.. servicePids];
        _postmasterPid = postmasterPid;
    }

    public readonly record struct Sample(long Total, long Idle, long Service, long Postgres, long Bench);

    public Sample? Take()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var (total, idle) = Machine();
            return new Sample(total, idle,
                _servicePids.Sum(s => ProcessTicks(s, withChildren: true)),
                _postmasterPid is { } p ? PostgresTicks(p) : 0,
                ProcessTicks(Environment.ProcessId, withChildren: false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The split over a measured window: sampled at its start and at its end.</summary>
    public Task<CpuSplit?> OverAsync(MeasureWindow window, CancellationToken ct) => Task.Run(async () =>
    {
        await MeasureWindow.DelayUntilAsync(window.Start, ct);
        var before = Take();
        await MeasureWindow.DelayUntilAsync(window.End, ct);
        return Between(before, Take());
    }, ct);

    public static CpuSplit? Between(Sample? before, Sample? after)
    {
        if (before is not { } a || after is not { } b || b.Total <= a.Total) return null;
        var cores = Environment.ProcessorCount;
        var perCore = (b.Total - a.Total) / (double)cores;   // elapsed time in clock ticks
        double Pct(long ticks) => Math.Round(ticks / perCore * 100, 1);
        var busy = (b.Total - a.Total) - (b.Idle - a.Idle);
        var service = b.Service - a.Service;
        var postgres = b.Postgres - a.Postgres;
        var bench = b.Bench - a.Bench;
        return new CpuSplit(cores, Pct(service), Pct(postgres), Pct(bench),
            Pct(Math.Max(0, busy - service - postgres - bench)), Pct(b.Idle - a.Idle));
    }

    public static string Describe(CpuSplit c) =>
        $"CPU in the window (% of one core, {c.Cores} cores = {c.Cores * 100}%): service {c.Service:0}, postgres {c.Postgres:0}, " +
        $"bench {c.Bench:0}, other processes {c.Other:0}, idle {c.Idle:0}";

    private static (long Total, long Idle) Machine()
    {
        // cpu  user nice system idle iowait irq softirq steal ...
        var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(Parse).ToArray();
        return (f.Sum(), f[3] + f[4]);
    }

    private static long PostgresTicks(int postmaster)
    {
        var total = ProcessTicks(postmaster, withChildren: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (Stat(pid) is { } f && Parse(f[1]) == postmaster) total += Ticks(f, withChildren: true);
        }
        return total;
    }

    private static long ProcessTicks(int pid, bool withChildren) => Stat(pid) is { } f ? Ticks(f, withChildren) : 0;

    // Fields after "(comm)": [0] state, [1] ppid, ..., [11] utime, [12] stime, [13] cutime, [14] cstime.
    private static long Ticks(string[] f, bool withChildren) =>
        Parse(f[11]) + Parse(f[12]) + (withChildren ? Parse(f[13]) + Parse(f[14]) : 0);

    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;   // gone meanwhile
        }
    }

    private static long Parse(string s) => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
