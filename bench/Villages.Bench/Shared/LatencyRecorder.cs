using System.Diagnostics;
using System.Numerics;

namespace Villages.Bench.Shared;

/// <summary>
/// An HdrHistogram-like latency histogram in whole microseconds: exact below 256 µs, then 128
/// log-linear buckets per power of two (at most 0.8% error). Fixed size, no allocation per value;
/// one instance per client (not thread-safe), merged at the end.
/// </summary>
public sealed class LatencyRecorder
{
    private const int SubBits = 7;
    private const int SubCount = 1 << SubBits;                // 128 buckets per octave
    private const int Linear = SubCount * 2;                  // exact values 0..255 µs
    private const int Size = Linear + (64 - SubBits - 1) * SubCount;

    private readonly long[] _counts = new long[Size];

    public long Count { get; private set; }
    public long MaxMicros { get; private set; }
    public long MinMicros { get; private set; } = long.MaxValue;
    public double SumMicros { get; private set; }

    public static long TicksToMicros(long stopwatchTicks) =>
        (long)(stopwatchTicks * (1_000_000.0 / Stopwatch.Frequency));

    public void RecordTicks(long stopwatchTicks) => RecordMicros(TicksToMicros(stopwatchTicks));

    public void RecordMicros(long micros)
    {
        if (micros < 0) micros = 0;
        _counts[IndexOf(micros)]++;
        Count++;
        SumMicros += micros;
        if (micros > MaxMicros) MaxMicros = micros;
        if (micros < MinMicros) MinMicros = micros;
    }

    public void Add(LatencyRecorder other)
    {
        for (var i = 0; i < Size; i++) _counts[i] += other._counts[i];
        Count += other.Count;
        SumMicros += other.SumMicros;
        MaxMicros = Math.Max(MaxMicros, other.MaxMicros);
        MinMicros = Math.Min(MinMicros, other.MinMicros);
    }

    public double MeanMs => Count == 0 ? double.NaN : SumMicros / Count / 1000.0;
    public double MaxMs => Count == 0 ? double.NaN : MaxMicros / 1000.0;

    /// <summary>The value at a percentile (0-100) in milliseconds: the middle of its bucket, capped by the exact max.</summary>
    public double PercentileMs(double percentile)
    {
        if (Count == 0) return double.NaN;
        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * Count));
        long seen = 0;
        for (var i = 0; i < Size; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(MiddleOf(i), MaxMicros) / 1000.0;
        }
        return MaxMicros / 1000.0;
    }

    private static int IndexOf(long micros)
    {
        if (micros < Linear) return (int)micros;
        var shift = BitOperations.Log2((ulong)micros) - SubBits;       // >= 1
        return (shift * SubCount) + (int)(micros >> shift);             // (micros >> shift) in [128, 255]
    }

    private static double MiddleOf(int index)
    {
        if (index < Linear) return index;
        var shift = (index / SubCount) - 1;
        var sub = index - (shift * SubCount);
        var low = (double)((long)sub << shift);
        return low + ((1L << shift) / 2.0);
    }
}
