using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Villages.Silo.Hosting;

/// <summary>Ready when this silo is an active member of the cluster (a probe's view of it).</summary>
public sealed class SiloHealthCheck(ISiloStatusOracle oracle) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(oracle.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is active in the cluster.")
            : HealthCheckResult.Unhealthy($"The silo is {oracle.CurrentStatus}."));
}
