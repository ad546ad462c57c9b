namespace Villages;

/// <summary>
/// The national registry entry for one worker, keyed by a keyed hash (HMAC-SHA256) of the NIK,
/// never by the NIK itself: grain ids are stored in clear in the database.
/// </summary>
[Alias("Villages.INikClaimGrain")]
public interface INikClaimGrain : IGrainWithStringKey
{
    /// <summary>Claims the worker for a village; granted unless another village really holds them.</summary>
    [Alias("Claim")]
    Task<ClaimResult> Claim(string villageCode);

    /// <summary>Gives the worker up, if (and only if) this village holds the claim.</summary>
    [Alias("Release")]
    Task Release(string villageCode);

    /// <summary>The village holding the claim, if any (for repair and tests).</summary>
    [Alias("GetHolder")]
    Task<string?> GetHolder();
}

[GenerateSerializer, Immutable, Alias("Villages.ClaimResult")]
public sealed record ClaimResult(
    [property: Id(0)] bool Granted,
    [property: Id(1)] string? HolderVillage);
