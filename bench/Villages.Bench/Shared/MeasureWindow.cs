using System.Diagnostics;

namespace Villages.Bench.Shared;

/// <summary>
/// One round's clock, in <see cref="Stopwatch"/> ticks: the load begins at <see cref="Begin"/>, the
/// measured window runs from <see cref="Start"/> (after the warm-up) to <see cref="End"/>. Everything
/// that measures a round (the enrolment clients, the progress readers, the staleness sampler, the CPU
/// sampler) shares one instance, so they all measure the same seconds.
/// </summary>
public sealed record MeasureWindow(long Begin, long Start, long End)
{
    public static MeasureWindow FromNow(TimeSpan warmup, TimeSpan duration)
    {
        var begin = Stopwatch.GetTimestamp();
        var start = begin + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        return new MeasureWindow(begin, start, start + (long)(duration.TotalSeconds * Stopwatch.Frequency));
    }

    public double WarmupSeconds => (Start - Begin) / (double)Stopwatch.Frequency;
    public double Seconds => (End - Start) / (double)Stopwatch.Frequency;

    /// <summary>A request counts if it started at or after the start and finished by the end.</summary>
    public bool Contains(long started, long finished) => started >= Start && finished <= End;

    /// <summary>Waits until a moment on this clock (returns at once if it has passed).</summary>
    public static async Task DelayUntilAsync(long timestamp, CancellationToken ct)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
    }
}
