namespace Villages.Privacy;

/// <summary>
/// The secret behind every keyed hash and every encrypted personal field (`Villages:Privacy`).
/// Losing or changing it orphans the national NIK registry, so it is configuration with the same
/// care as the database password: a Kubernetes secret in production, a file next to the local
/// database in the default run.
/// </summary>
public sealed class PrivacyOptions
{
    public const string Section = "Villages:Privacy";

    /// <summary>Base64 of at least 32 random bytes.</summary>
    public string? Secret { get; set; }

    internal byte[] SecretBytes()
    {
        if (string.IsNullOrWhiteSpace(Secret))
        {
            throw new InvalidOperationException(
                $"No privacy secret is configured: set {Section}:Secret to base64 of at least 32 random bytes.");
        }
        byte[] bytes;
        try { bytes = Convert.FromBase64String(Secret); }
        catch (FormatException) { throw new InvalidOperationException($"{Section}:Secret is not base64."); }
        if (bytes.Length < 32) throw new InvalidOperationException($"{Section}:Secret must hold at least 32 bytes.");
        return bytes;
    }

    public static string NewSecret() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
