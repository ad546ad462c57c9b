using Villages.Bench.Shared;

namespace Villages.Bench.National;

/// <summary>
/// What the silo holds in memory, from the service's own /metrics: active village and region grains
/// (Orleans' orleans_catalog_activations), the managed heap after the last GC (the runtime's
/// dotnet_gc_last_collection_heap_size_bytes over every generation) and the process's RSS. Two
/// snapshots give the memory per 10,000 active villages. Read on the node's management port (a WebApi
/// node's Villages:Operations:Port, a silo's HTTP port); with several silos, /metrics of a WebApi
/// client has no grains: the figures are then absent, as they are with no metrics URL.
/// </summary>
public sealed record ActivationMemory(long Villages, long Regions, long ManagedHeapBytes, long RssBytes)
{
    public static async Task<ActivationMemory?> ReadAsync(HttpClient http, Uri? metricsUrl, long rssBytes, CancellationToken ct)
    {
        if (metricsUrl is null || await ServiceMetrics.ReadAsync(http, metricsUrl, ct) is not { } text) return null;
        long villages = 0, regions = 0, heap = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("orleans_catalog_activations{", StringComparison.Ordinal))
            {
                if (line.Contains("grain_type=\"village\"", StringComparison.Ordinal)) villages += ServiceMetrics.Value(line);
                else if (line.Contains("grain_type=\"region\"", StringComparison.Ordinal)) regions += ServiceMetrics.Value(line);
            }
            else if (line.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal)) heap += ServiceMetrics.Value(line);
        }
        return villages == 0 && heap == 0 ? null : new ActivationMemory(villages, regions, heap, rssBytes);
    }

    /// <summary>"RSS +x MiB, heap +y MiB per 10,000 villages" between two snapshots, or why not.</summary>
    public static string PerTenThousand(ActivationMemory? before, ActivationMemory? after)
    {
        if (before is null || after is null) return "not measured (no grain figures in the node's /metrics)";
        var villages = after.Villages - before.Villages;
        if (villages <= 0) return $"not measured ({after.Villages:N0} villages active)";
        return $"RSS {ServiceProcesses.Bytes((after.RssBytes - before.RssBytes) * 10_000 / villages)}, managed heap after GC " +
               $"{ServiceProcesses.Bytes((after.ManagedHeapBytes - before.ManagedHeapBytes) * 10_000 / villages)} " +
               $"(from {before.Villages:N0} to {after.Villages:N0} active villages, {after.Regions:N0} rollups; RSS {ServiceProcesses.Bytes(after.RssBytes)}, heap {ServiceProcesses.Bytes(after.ManagedHeapBytes)})";
    }
}
