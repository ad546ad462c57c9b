using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Villages.Silo.Hosting;

/// <summary>
/// Gives memory back to the machine once idle villages have left: the server GC keeps the memory it
/// grew into (a national run's enrolments: gigabytes) after the heap has shrunk to a fraction of it.
/// Once a minute, when the committed memory is over 1 GiB and more than twice the live heap after the
/// last collection, one compacting, decommitting collection returns the difference (at most every
/// five minutes: it pauses the silo for a moment).
/// </summary>
public sealed partial class MemoryReturn(ILogger<MemoryReturn> logger) : BackgroundService
{
    private const long Threshold = 1L << 30;
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan AtMostEvery = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = DateTime.MinValue;
        using var timer = new PeriodicTimer(Every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var info = GC.GetGCMemoryInfo();
            if (info.TotalCommittedBytes < Threshold || info.TotalCommittedBytes < 2 * info.HeapSizeBytes || DateTime.UtcNow - last < AtMostEvery) continue;
            var before = Environment.WorkingSet;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            last = DateTime.UtcNow;
            LogReturned(before >> 20, Environment.WorkingSet >> 20);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Memory returned to the machine after idle grains left: RSS {Before} MiB -> {After} MiB.")]
    private partial void LogReturned(long before, long after);
}
