using Microsoft.Extensions.DependencyInjection;
using Villages.Village;

namespace Villages.Registry;

/// <summary>Who holds a worker nationally. Absent or empty holder: nobody.</summary>
[GenerateSerializer, Immutable, Alias("Villages.NikClaimState")]
public sealed record NikClaimState([property: Id(0)] string? Holder, [property: Id(1)] DateTimeOffset ClaimedAt);

/// <summary>
/// The national registry entry of one worker, keyed by the keyed hash of the NIK. Not reentrant:
/// competing claims for one worker queue here, which is what makes "one NIK in one village" hold.
///
/// A claim is granted when nobody holds the worker, when the claimant already does, or when the
/// holder village, asked, no longer holds them (a withdrawal whose release was lost, or a claim
/// whose enrolment never reached storage because a silo died in between). See README, "The
/// one-village protocol".
/// </summary>
[GrainType("nik")]
internal sealed class NikClaimGrain(
    [FromKeyedServices(VillageStorageOptions.ProviderName)] IGrainStorage storage,
    [FromKeyedServices(Hosting.VillagesHosting.ClockKey)] TimeProvider clock) : Grain, INikClaimGrain
{
    private const string StateName = "nik-claim";
    private NikClaimState? _state;
    private string? _etag;

    public async Task<ClaimResult> Claim(string villageCode)
    {
        // A worker is usually claimed once, ever: try to insert before paying for a read.
        if (_state is null && await TryInsertAsync(villageCode)) return Granted(villageCode);
        var holder = (await LoadAsync()).Holder;
        if (holder == villageCode) return Granted(villageCode);
        if (!string.IsNullOrEmpty(holder) && await GrainFactory.Village(holder).HoldsWorker(this.GetPrimaryKeyString()))
        {
            return new ClaimResult(false, holder);
        }
        await WriteAsync(villageCode);
        return Granted(villageCode);
    }

    public async Task Release(string villageCode)
    {
        if ((await LoadAsync()).Holder == villageCode) await WriteAsync(null);
        DeactivateOnIdle();
    }

    public async Task<string?> GetHolder()
    {
        var holder = (await LoadAsync()).Holder;
        return string.IsNullOrEmpty(holder) ? null : holder;
    }

    private ClaimResult Granted(string villageCode)
    {
        // Registry entries are touched once or twice in a worker's life: free the memory now.
        DeactivateOnIdle();
        return new ClaimResult(true, villageCode);
    }

    private async Task<bool> TryInsertAsync(string villageCode)
    {
        var fresh = new GrainState<NikClaimState>(new NikClaimState(villageCode, clock.GetUtcNow()), null);
        try
        {
            await storage.WriteStateAsync(StateName, this.GetGrainId(), fresh);
        }
        catch (InconsistentStateException)
        {
            return false; // a row exists: read it and decide
        }
        (_state, _etag) = (fresh.State, fresh.ETag);
        return true;
    }

    private async Task<NikClaimState> LoadAsync()
    {
        if (_state is not null) return _state;
        var read = new GrainState<NikClaimState>();
        await storage.ReadStateAsync(StateName, this.GetGrainId(), read);
        _etag = read.ETag;
        return _state = read.RecordExists ? read.State! : new NikClaimState(null, default);
    }

    private async Task WriteAsync(string? holder)
    {
        await LoadAsync();
        var next = new GrainState<NikClaimState>(new NikClaimState(holder, clock.GetUtcNow()), _etag);
        await storage.WriteStateAsync(StateName, this.GetGrainId(), next);
        (_state, _etag) = (next.State, next.ETag);
    }
}
