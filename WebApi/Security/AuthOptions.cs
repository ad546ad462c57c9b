using System.ComponentModel.DataAnnotations;

namespace Villages.WebApi.Security;

/// <summary>
/// Who may call (`Villages:Auth`): JWT bearer tokens from any OpenID Connect provider (Authority
/// and Audience), with the claims that carry roles, region scopes and a PERISAI agent's code.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Villages:Auth";

    /// <summary>The OpenID Connect provider (its metadata and signing keys are discovered from it).</summary>
    public string? Authority { get; set; }

    [Required]
    public string Audience { get; set; } = "villages-api";

    /// <summary>Claim with the caller's role(s): village-operator, perisai-agent, district-officer, ...</summary>
    [Required]
    public string RoleClaim { get; set; } = "role";

    /// <summary>Claim with the region code(s) the caller may act on (a village, district, regency, province or ID).</summary>
    [Required]
    public string RegionClaim { get; set; } = "region";

    /// <summary>Claim with a PERISAI agent's code; enrolments record it instead of any agentId in the body.</summary>
    [Required]
    public string AgentClaim { get; set; } = "agent_id";

    public DevelopmentTokenOptions DevelopmentTokens { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(Authority) && !Uri.TryCreate(Authority, UriKind.Absolute, out _))
        {
            yield return new ValidationResult("must be the absolute URL of an OpenID Connect provider.", [nameof(Authority)]);
        }
        if (DevelopmentTokens.SigningKey is { Length: > 0 } key && (!TryBase64(key, out var bytes) || bytes < 32))
        {
            yield return new ValidationResult("must be base64 of at least 32 bytes.", ["DevelopmentTokens:SigningKey"]);
        }
        if (DevelopmentTokens.Lifetime <= TimeSpan.Zero || DevelopmentTokens.Lifetime > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("must be between 00:00:01 and 1.00:00:00.", ["DevelopmentTokens:Lifetime"]);
        }
    }

    private static bool TryBase64(string text, out int length) => Convert.TryFromBase64String(text, new byte[text.Length], out length);
}

/// <summary>
/// A token issuer for the local run and the tests (POST /dev/tokens). Honoured only when the
/// environment is Development, whatever the setting says.
/// </summary>
public sealed class DevelopmentTokenOptions
{
    public bool Enabled { get; set; }

    /// <summary>Base64 of at least 32 bytes; generated beside the local database when absent.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "villages-development";

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);
}
