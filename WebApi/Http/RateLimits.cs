using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Villages.Silo.Configuration;
using Villages.WebApi.Security;

namespace Villages.WebApi.Http;

/// <summary>Request budgets per client (`Villages:RateLimit`).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Villages:RateLimit";

    /// <summary>Requests per second a signed-in caller (by token subject) may sustain.</summary>
    [Range(1, 1_000_000)]
    public int PerCallerPerSecond { get; set; } = 200;

    /// <summary>Requests per second an anonymous client (by IP address) may sustain.</summary>
    [Range(1, 1_000_000)]
    public int AnonymousPerSecond { get; set; } = 50;

    /// <summary>How many seconds' worth a client may spend at once.</summary>
    [Range(1, 3600)]
    public int BurstSeconds { get; set; } = 2;
}

/// <summary>Request budgets: a token bucket per signed-in caller (token subject), or per address when anonymous (<see cref="ClientBudgets"/>).</summary>
public static class RateLimits
{
    public static IServiceCollection AddVillagesRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = services.AddValidatedOptions<RateLimitOptions>(configuration, RateLimitOptions.Section);
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = new ClientBudgets(options, TimeProvider.System);
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                await Problems.WriteAsync(context, ProblemType.RateLimited, $"Too many requests from this client; slow down and retry in {retry} s.", retry);
            };
        });
        return services;
    }

    /// <summary>
    /// Who a client is, for its budgets and limits: its token subject when signed in, else its address,
    /// which is the one a configured proxy forwarded (<see cref="ForwardedHeadersSetup"/>), never one a client claims.
    /// </summary>
    public static string ClientKey(this HttpContext context) =>
        context.Caller() is { Authenticated: true } caller ? "sub:" + caller.Subject : "ip:" + context.Connection.RemoteIpAddress;
}
