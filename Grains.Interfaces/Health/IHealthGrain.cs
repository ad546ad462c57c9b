namespace Villages;

/// <summary>A stateless round trip into the cluster for readiness probes.</summary>
[Alias("Villages.IHealthGrain")]
public interface IHealthGrain : IGrainWithIntegerKey
{
    [Alias("Ping")]
    Task Ping();
}
