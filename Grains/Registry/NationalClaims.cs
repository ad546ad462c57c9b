using Microsoft.Extensions.Logging;

namespace Villages.Registry;

/// <summary>
/// One village's side of the one-village protocol (README, "The one-village protocol"): claim a
/// worker in the national registry, ask a holder that may no longer have them, take the row over
/// only if it did not change in between; release after a withdrawal.
/// </summary>
internal sealed partial class NationalClaims(NikRegistry registry, IGrainFactory grains, string villageCode, ILogger logger)
{
    /// <summary>Null when the worker is this village's now, else why not.</summary>
    public async Task<Failure?> ClaimAsync(string nikKey)
    {
        try
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var claim = await registry.ClaimAsync(nikKey, villageCode);
                if (claim.Granted) return null;
                if (claim.Holder is null) continue; // a claim committed just now by another silo: look again
                if (await grains.Village(claim.Holder).HoldsWorker(nikKey))
                {
                    return new Failure(FailureCode.EnrolledElsewhere,
                        $"This worker is already enrolled in village {claim.Holder}; withdraw them there first.",
                        "nik", OtherVillage: claim.Holder);
                }
                if (await registry.TakeOverAsync(nikKey, claim.Holder, claim.Version, villageCode)) return null;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRegistryUnavailable(ex, villageCode);
        }
        return Failures.StorageUnavailable;
    }

    public async Task ReleaseAsync(string nikKey)
    {
        try
        {
            await registry.ReleaseAsync(nikKey, villageCode);
        }
        catch (Exception ex)
        {
            // Harmless: a later claim asks this village before honouring the stale row.
            LogReleaseFailed(ex, villageCode);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Village {Village}: the national registry could not be reached.")]
    private partial void LogRegistryUnavailable(Exception exception, string village);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Village {Village}: releasing a withdrawn worker's registry claim failed; it will be repaired on the next claim.")]
    private partial void LogReleaseFailed(Exception exception, string village);
}
