using System.Runtime.InteropServices;

namespace Villages.Bench.Stages;

/// <summary>One stage's cost per enrolment: CPU microseconds and bytes allocated.</summary>
public sealed record StageCost(string Stage, double CpuMicros, double Bytes, string Note);

/// <summary>
/// Times a synchronous step on the calling thread alone (its CPU clock and its allocations), so a
/// silo idling in the same process does not count.
/// </summary>
public static class StageClock
{
    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    public static StageCost Measure(string stage, string note, int iterations, Action<int> step)
    {
        for (var i = 0; i < Math.Max(1_000, iterations / 10); i++) step(i); // JIT tiers and caches first
        GC.Collect();
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadCpuNanoseconds();
        for (var i = 0; i < iterations; i++) step(i);
        var spent = ThreadCpuNanoseconds() - cpu;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
        return new StageCost(stage, spent / 1_000.0 / iterations, (double)allocated / iterations, note);
    }

    private static long ThreadCpuNanoseconds()
    {
        if (!OperatingSystem.IsLinux()) return (long)(Environment.TickCount64 * 1_000_000.0); // wall time elsewhere
        if (ClockGetTime(ThreadCpuClock, out var now) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        return now.Seconds * 1_000_000_000 + now.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
