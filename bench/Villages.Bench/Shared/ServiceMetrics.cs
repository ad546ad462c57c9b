using System.Globalization;

namespace Villages.Bench.Shared;

/// <summary>A service's own /metrics (Prometheus text), read by the modes that report its memory or allocations.</summary>
public static class ServiceMetrics
{
    private const string Allocated = "dotnet_gc_heap_total_allocated_bytes_total";

    /// <summary>The text of /metrics at this node, or null when it does not answer.</summary>
    public static async Task<string?> ReadAsync(HttpClient http, Uri metricsUrl, CancellationToken ct)
    {
        try { return await http.GetStringAsync(new Uri(metricsUrl, "/metrics"), ct); }
        catch (HttpRequestException) { return null; }
    }

    /// <summary>A sample line's value (its last field).</summary>
    public static long Value(string line) =>
        (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>
    /// What the service has allocated on its managed heap so far (the runtime's
    /// dotnet_gc_heap_total_allocated_bytes_total): two readings around a window give the bytes per
    /// enrolment, a figure the machine's speed does not move.
    /// </summary>
    public static async Task<long?> AllocatedBytesAsync(HttpClient http, Uri metricsUrl, CancellationToken ct)
    {
        foreach (var line in (await ReadAsync(http, metricsUrl, ct))?.Split('\n') ?? [])
        {
            if (line.StartsWith(Allocated, StringComparison.Ordinal) && line.Length > Allocated.Length && line[Allocated.Length] is ' ' or '{') return Value(line);
        }
        return null;
    }
}
