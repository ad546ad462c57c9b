using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Villages.Regions;
using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.WebApi.Auth;

/// <summary>Mints tokens for the local run and the tests, signed with the development key.</summary>
public sealed class DevelopmentTokenIssuer(SymmetricSecurityKey key, AuthOptions options, TimeProvider clock)
{
    public SymmetricSecurityKey Key => key;

    public string Mint(string subject, IEnumerable<string> roles, IEnumerable<string>? regions = null, string? agentId = null, TimeSpan? lifetime = null)
    {
        var claims = new List<Claim> { new("sub", subject) };
        claims.AddRange(roles.Select(r => new Claim(options.RoleClaim, r)));
        claims.AddRange((regions ?? []).Select(r => new Claim(options.RegionClaim, r)));
        if (agentId is not null) claims.Add(new Claim(options.AgentClaim, agentId));
        var now = clock.GetUtcNow().UtcDateTime;
        var expires = now + (lifetime ?? options.DevelopmentTokens.Lifetime);
        var issued = expires < now ? expires.AddMinutes(-5) : now; // a token born expired, for tests
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = options.DevelopmentTokens.Issuer,
            Audience = options.Audience,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = expires,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}

public sealed record TokenRequest(string? Subject, string[]? Roles, string[]? Regions, string? AgentId, int? Minutes);

public sealed record TokenResponse(string Token, DateTime ExpiresAt);

/// <summary>POST /dev/tokens: a token for any role and scope. Mapped only in Development with development tokens enabled.</summary>
public static class DevelopmentTokenEndpoint
{
    public static void MapDevelopmentTokens(this IEndpointRouteBuilder app) =>
        app.MapPost("/dev/tokens", async (HttpContext context, DevelopmentTokenIssuer issuer, TimeProvider clock) =>
        {
            var body = await RequestBody.JsonAsync<TokenRequest>(context);
            if (body.Problem is not null) return body.Problem;
            var request = body.Value!;
            var unknown = (request.Roles ?? []).Except(Roles.All).ToList();
            if (string.IsNullOrWhiteSpace(request.Subject) || request.Roles is not { Length: > 0 } || unknown.Count > 0)
            {
                return Problems.Result(ProblemType.MalformedRequest, $"Give a subject and one or more roles of: {string.Join(", ", Roles.All)}.", context);
            }
            if ((request.Regions ?? []).Any(r => !RegionCode.TryParseLevel(r, out _)) || request.Minutes is < 1 or > 24 * 60)
            {
                return Problems.Result(ProblemType.MalformedRequest, "Regions are area codes (ID, PP, PP.RR, PP.RR.DD, PP.RR.DD.VVVV); minutes 1 to 1440.", context);
            }
            var lifetime = TimeSpan.FromMinutes(request.Minutes ?? 480);
            var token = issuer.Mint(request.Subject, request.Roles, request.Regions, request.AgentId, lifetime);
            return TypedResults.Ok(new TokenResponse(token, clock.GetUtcNow().UtcDateTime + lifetime));
        })
        .WithName("createDevelopmentToken").WithTags("Development")
        .WithSummary("Development only: a signed token for a role and region scope.")
        .Accepts<TokenRequest>("application/json").WithBodyLimit(4096)
        .Produces<TokenResponse>().ProducesProblem(400).ProducesProblem(413).ProducesProblem(415);
}
