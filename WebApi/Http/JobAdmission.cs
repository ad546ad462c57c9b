using Villages.WebApi.Security;

namespace Villages.WebApi.Http;

/// <summary>
/// Lets a background job in only while its caller, and the cluster, run fewer of its kind than
/// <see cref="LimitOptions"/> allows (counted by <see cref="IJobSlotsGrain"/>); otherwise 429 with Retry-After.
/// </summary>
public static class JobAdmission
{
    /// <summary>Starts <paramref name="start"/> in a slot of its own, or answers why not. A start that fails gives its slot back.</summary>
    public static async Task<IResult> StartAsync<T>(HttpContext context, IGrainFactory grains, string kind, Guid job, JobQuota quota,
        Func<Task<T>> start, Func<T, IResult> started)
    {
        var slots = grains.JobSlotsOf(kind);
        var refusal = await slots.TryTake(job, context.Caller().Subject!, quota);
        if (refusal != JobRefusal.None)
        {
            var retry = context.RequestServices.GetRequiredService<LimitOptions>().RetryAfterSeconds;
            var detail = refusal == JobRefusal.Caller
                ? $"You already have {quota.PerCaller} {kind} job(s) running; start this one when one of them has finished."
                : $"The service already runs {quota.Total} {kind} job(s), as many as it allows; retry in {retry} s.";
            return Problems.Result(ProblemType.TooManyJobs, detail, context, retry);
        }
        try
        {
            return started(await start());
        }
        catch
        {
            await slots.Release(job);
            throw;
        }
    }
}
