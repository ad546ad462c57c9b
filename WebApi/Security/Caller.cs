using System.Security.Claims;
using Villages.Regions;

namespace Villages.WebApi.Security;

/// <summary>
/// The caller of a request, read from its validated token (or anonymous): its roles, the region
/// codes its token names and a PERISAI agent's code. What those give each role is the policy's
/// business (<see cref="AccessPolicy.Scope"/>), not the caller's.
/// </summary>
public sealed record Caller(string? Subject, IReadOnlySet<string> Roles, IReadOnlyList<string> Regions, string? AgentId)
{
    public static readonly Caller Anonymous = new(null, new HashSet<string>(), [], null);

    public bool Authenticated => Subject is not null;

    public bool Has(string role) => Roles.Contains(role);

    public bool HasAny(IEnumerable<string> roles) => roles.Any(Roles.Contains);

    public static Caller From(ClaimsPrincipal user, AuthOptions options)
    {
        if (user.Identity?.IsAuthenticated != true) return Anonymous;
        var subject = user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        if (string.IsNullOrWhiteSpace(subject)) return Anonymous;
        var roles = user.FindAll(options.RoleClaim).Select(static c => c.Value).Where(Security.Roles.All.Contains).ToHashSet(StringComparer.Ordinal);
        var regions = user.FindAll(options.RegionClaim).Select(static c => c.Value.Trim()).Where(static r => RegionCode.TryParseLevel(r, out _)).Distinct().ToList();
        var agent = user.FindFirst(options.AgentClaim)?.Value;
        return new Caller(subject, roles, regions, string.IsNullOrWhiteSpace(agent) ? null : agent);
    }
}

public static class CallerExtensions
{
    private const string Key = "villages.caller";

    /// <summary>
    /// The actor recorded in the audit trail: the token's subject, the role it acts in (on this
    /// village or region, when the action has one), this request's trace.
    /// </summary>
    public static Actor Actor(this HttpContext context, VillageAction action, string? code = null)
    {
        var caller = context.Caller();
        var trace = System.Diagnostics.Activity.Current?.TraceId.ToHexString();
        return new Actor(caller.Subject!, AccessPolicy.ActingRole(caller, action, code), trace);
    }

    /// <summary>The caller of this request, read from its validated token once.</summary>
    public static Caller Caller(this HttpContext context)
    {
        if (context.Items.TryGetValue(Key, out var cached) && cached is Caller caller) return caller;
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value;
        caller = Security.Caller.From(context.User, options);
        context.Items[Key] = caller;
        return caller;
    }
}
