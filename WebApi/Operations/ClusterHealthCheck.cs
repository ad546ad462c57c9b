using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Villages.WebApi.Operations;

/// <summary>Ready when a grain call makes the round trip to the cluster (and so to a live silo).</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await grains.GetGrain<IHealthGrain>(0).Ping().WaitAsync(timeout.Token);
            return HealthCheckResult.Healthy("The cluster answers.");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("The cluster does not answer.", ex);
        }
    }
}
