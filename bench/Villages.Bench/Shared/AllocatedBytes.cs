using System.Globalization;

namespace Villages.Bench.Shared;

/// <summary>
/// What the service has allocated on its managed heap so far, from its own /metrics (the runtime's
/// dotnet_gc_heap_total_allocated_bytes_total): two readings around a window give the bytes per
/// enrolment, a figure the machine's speed does not move.
/// </summary>
public static class AllocatedBytes
{
    private const string Counter = "dotnet_gc_heap_total_allocated_bytes_total";

    public static async Task<long?> ReadAsync(HttpClient http, Uri managementUrl, CancellationToken ct)
    {
        try
        {
            var text = await http.GetStringAsync(new Uri(managementUrl, "/metrics"), ct);
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith(Counter, StringComparison.Ordinal) && line.Length > Counter.Length && line[Counter.Length] is ' ' or '{')
                {
                    return (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (HttpRequestException)
        {
        }
        return null;
    }
}
