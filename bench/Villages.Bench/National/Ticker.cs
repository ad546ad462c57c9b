using System.Diagnostics;
using Villages.Bench.Shared;

namespace Villages.Bench.National;

/// <summary>Calls <c>tick(elapsed, cpu since the last tick)</c> every period until cancelled.</summary>
public static class Ticker
{
    public static async Task RunAsync(TimeSpan period, CancellationToken stop, Action<TimeSpan, CpuSplit?> tick, CpuSampler cpu)
    {
        var clock = Stopwatch.StartNew();
        var last = cpu.Take();
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = cpu.Take();
                tick(clock.Elapsed, CpuSampler.Between(last, now));
                last = now;
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }
}
