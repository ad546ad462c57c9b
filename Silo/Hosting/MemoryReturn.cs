using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Villages.Silo.Hosting;

/// <summary>
/// Gives memory back to the machine once idle villages have left: the server GC keeps the memory it
/// grew into (a national run's enrolments: gigabytes) long after the villages went. Once a minute,
/// when the committed memory is over 1 GiB and either the live heap after the last collection is
/// under half of it, or the silo has been quiet (little allocated) for five minutes with no full
/// collection (so the GC has not even looked at what the departed villages left), one compacting,
/// decommitting collection returns the difference. It pauses the silo for a moment, so at most
/// every five minutes, and less often while it finds little to give back.
/// </summary>
public sealed partial class MemoryReturn(ILogger<MemoryReturn> logger) : BackgroundService
{
    private const long Threshold = 1L << 30;
    private const long QuietBytesPerMinute = 256L << 20;
    private const int QuietMinutes = 5;
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan AtMostEvery = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan AtLeastEvery = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var (last, pause, lowGains) = (DateTime.MinValue, AtMostEvery, 0);
        var (allocated, fullCollections, quietMinutes) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(2), 0);
        using var timer = new PeriodicTimer(Every);
        while (await NextTickAsync(timer, stoppingToken))
        {
            var (nowAllocated, nowFull) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(2));
            quietMinutes = nowAllocated - allocated < QuietBytesPerMinute && nowFull == fullCollections ? quietMinutes + 1 : 0;
            (allocated, fullCollections) = (nowAllocated, nowFull);
            var info = GC.GetGCMemoryInfo();
            var shrunk = info.TotalCommittedBytes >= 2 * info.HeapSizeBytes;
            if (info.TotalCommittedBytes < Threshold || !(shrunk || quietMinutes >= QuietMinutes) || DateTime.UtcNow - last < pause) continue;
            var before = Environment.WorkingSet;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var after = Environment.WorkingSet;
            last = DateTime.UtcNow;
            // Little to give back twice running (a big live heap, not villages about to leave): ask less
            // often, down to once an hour.
            lowGains = after > before * 9 / 10 ? lowGains + 1 : 0;
            pause = TimeSpan.FromTicks(Math.Min(AtMostEvery.Ticks << Math.Min(Math.Max(lowGains - 1, 0), 4), AtLeastEvery.Ticks));
            (fullCollections, quietMinutes) = (GC.CollectionCount(2), 0);
            LogReturned(before >> 20, after >> 20);
        }
    }

    /// <summary>The next minute, or false once the host stops (also when it stops before it ever started).</summary>
    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Memory returned to the machine after idle grains left: RSS {Before} MiB -> {After} MiB.")]
    private partial void LogReturned(long before, long after);
}
