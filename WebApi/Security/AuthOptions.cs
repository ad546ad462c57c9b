namespace Villages.WebApi.Security;

/// <summary>
/// Who may call (`Villages:Auth`): JWT bearer tokens from any OpenID Connect provider (Authority
/// and Audience), with the claims that carry roles, region scopes and a PERISAI agent's code.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Villages:Auth";

    /// <summary>The OpenID Connect provider (its metadata and signing keys are discovered from it).</summary>
    public string? Authority { get; set; }

    public string Audience { get; set; } = "villages-api";

    /// <summary>Claim with the caller's role(s): village-operator, perisai-agent, district-officer, ...</summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>Claim with the region code(s) the caller may act on (a village, district, regency, province or ID).</summary>
    public string RegionClaim { get; set; } = "region";

    /// <summary>Claim with a PERISAI agent's code; enrolments record it instead of any agentId in the body.</summary>
    public string AgentClaim { get; set; } = "agent_id";

    public DevelopmentTokenOptions DevelopmentTokens { get; set; } = new();
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
