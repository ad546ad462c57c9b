using Orleans.Concurrency;

namespace Villages;

/// <summary>How many jobs of one kind may run at once: per caller (token subject) and in the whole cluster.</summary>
[GenerateSerializer, Immutable, Alias("Villages.JobQuota")]
public sealed record JobQuota([property: Id(0)] int PerCaller, [property: Id(1)] int Total);

/// <summary>Why a job was not let in.</summary>
public enum JobRefusal
{
    None = 0,
    /// <summary>The caller already runs its share.</summary>
    Caller = 1,
    /// <summary>The cluster already runs as many as it allows.</summary>
    Total = 2,
}

/// <summary>
/// The jobs of one kind running now in the whole cluster (key: the kind, <see cref="JobSlots.Import"/>
/// or <see cref="JobSlots.Reconciliation"/>), so that one caller cannot fill the silos with jobs.
/// Kept in memory: a job releases its slot when it ends; a slot whose job is no longer running
/// (its silo died, its release was lost) is found out and freed when the slots run short.
/// </summary>
[Alias("Villages.IJobSlotsGrain")]
public interface IJobSlotsGrain : IGrainWithStringKey
{
    /// <summary>Takes a slot for <paramref name="job"/>, started by <paramref name="owner"/>, unless the quota is spent.</summary>
    [Alias("TryTake")]
    Task<JobRefusal> TryTake(Guid job, string owner, JobQuota quota);

    [Alias("Release"), OneWay]
    Task Release(Guid job);
}

/// <summary>The kinds of job whose slots are counted.</summary>
public static class JobSlots
{
    public const string Import = "import";
    public const string Reconciliation = "reconciliation";

    public static IJobSlotsGrain JobSlotsOf(this IGrainFactory grains, string kind) => grains.GetGrain<IJobSlotsGrain>(kind);
}
