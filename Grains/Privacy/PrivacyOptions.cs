using System.ComponentModel.DataAnnotations;

namespace Villages.Privacy;

/// <summary>
/// The secret behind every keyed hash and every encrypted personal field (`Villages:Privacy`).
/// Losing or changing it orphans the national NIK registry, so it is configuration with the same
/// care as the database password: a Kubernetes secret in production, a file next to the local
/// database in the default run.
/// </summary>
public sealed class PrivacyOptions : IValidatableObject
{
    public const string Section = "Villages:Privacy";

    /// <summary>Base64 of at least 32 random bytes.</summary>
    public string? Secret { get; set; }

    internal byte[] SecretBytes() =>
        Problem() is { } problem ? throw new InvalidOperationException($"{Section}:Secret {problem}") : Convert.FromBase64String(Secret!);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Problem() is { } problem) yield return new ValidationResult(problem, [nameof(Secret)]);
    }

    private string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Secret)) return "is required: base64 of at least 32 random bytes.";
        var bytes = new byte[Secret.Length];
        if (!Convert.TryFromBase64String(Secret, bytes, out var length)) return "is not base64.";
        return length < 32 ? "must hold at least 32 bytes." : null;
    }

    public static string NewSecret() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
