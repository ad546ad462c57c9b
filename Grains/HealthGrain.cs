using Orleans.Concurrency;

namespace Villages;

[StatelessWorker]
internal sealed class HealthGrain : Grain, IHealthGrain
{
    public Task Ping() => Task.CompletedTask;
}
