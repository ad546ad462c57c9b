namespace Villages.Jobs;

/// <summary>
/// The running jobs of one kind, cluster-wide, in memory (see <see cref="IJobSlotsGrain"/>). Not
/// reentrant: a take and the check of stale slots it may need run one at a time. Losing this
/// activation (its silo died) forgets the slots: the cluster then lets in more jobs than the quota
/// until those running end, which is the safe side of a lost count.
/// </summary>
[GrainType("job-slots")]
internal sealed class JobSlotsGrain : Grain, IJobSlotsGrain
{
    /// <summary>A slot whose job has not said it started yet is not questioned before this.</summary>
    private static readonly TimeSpan StartGrace = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<Guid, (string Owner, DateTime Taken)> _running = [];

    public async Task<JobRefusal> TryTake(Guid job, string owner, JobQuota quota)
    {
        if (_running.ContainsKey(job)) return JobRefusal.None;
        var refusal = Refusal(owner, quota);
        if (refusal != JobRefusal.None)
        {
            // Only when short: a job whose silo died, or whose release was lost, is still counted.
            await ForgetEndedAsync(refusal == JobRefusal.Caller ? owner : null);
            refusal = Refusal(owner, quota);
        }
        if (refusal != JobRefusal.None) return refusal;
        _running[job] = (owner, DateTime.UtcNow);
        // Stay in memory while jobs run: an idle collection would forget them.
        DelayDeactivation(TimeSpan.FromHours(2));
        return JobRefusal.None;
    }

    public Task Release(Guid job)
    {
        _running.Remove(job);
        return Task.CompletedTask;
    }

    private JobRefusal Refusal(string owner, JobQuota quota) =>
        _running.Count >= quota.Total ? JobRefusal.Total
        : _running.Values.Count(r => r.Owner == owner) >= quota.PerCaller ? JobRefusal.Caller
        : JobRefusal.None;

    private async Task ForgetEndedAsync(string? owner)
    {
        var suspects = _running.Where(r => owner is null || r.Value.Owner == owner).ToList();
        var running = await Task.WhenAll(suspects.Select(s => RunningAsync(s.Key, s.Value.Taken)));
        foreach (var (suspect, alive) in suspects.Zip(running)) if (!alive) _running.Remove(suspect.Key);
    }

    /// <summary>Asks the job itself; one that cannot be reached keeps its slot (it may be running).</summary>
    private async Task<bool> RunningAsync(Guid job, DateTime taken)
    {
        try
        {
            var state = this.GetPrimaryKeyString() switch
            {
                JobSlots.Import => (await GrainFactory.GetGrain<IImportJobGrain>(job).GetStatus().WaitAsync(AskTimeout))?.State,
                JobSlots.Reconciliation => (await GrainFactory.GetGrain<IReconciliationJobGrain>(job).GetStatus().WaitAsync(AskTimeout))?.State,
                _ => null,
            };
            // No status yet: its start may still be on its way.
            return state is null ? DateTime.UtcNow - taken < StartGrace : state == ImportState.Running;
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return true;
        }
    }
}
