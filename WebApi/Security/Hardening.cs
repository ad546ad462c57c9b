using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Villages.WebApi.Api;

namespace Villages.WebApi.Security;

/// <summary>Request budgets per client (`Villages:RateLimit`).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Villages:RateLimit";

    /// <summary>Requests per second a signed-in caller (by token subject) may sustain.</summary>
    public int PerCallerPerSecond { get; set; } = 200;

    /// <summary>Requests per second an anonymous client (by IP address) may sustain.</summary>
    public int AnonymousPerSecond { get; set; } = 50;

    /// <summary>How many seconds' worth a client may spend at once.</summary>
    public int BurstSeconds { get; set; } = 2;
}

/// <summary>Rate limits, and the headers every response carries.</summary>
public static class Hardening
{
    public static IServiceCollection AddVillagesRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                // Probes and scrapers are the platform's, not clients'.
                if (context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/metrics"))
                {
                    return RateLimitPartition.GetNoLimiter("platform");
                }
                var caller = context.Caller();
                var (key, perSecond) = caller.Authenticated
                    ? ("sub:" + caller.Subject, options.PerCallerPerSecond)
                    : ("ip:" + context.Connection.RemoteIpAddress, options.AnonymousPerSecond);
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perSecond * options.BurstSeconds,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                context.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
                await Problems.Result("rate-limited", $"Too many requests from this client; slow down and retry in {retry} s.", context).ExecuteAsync(context);
            };
        });
        return services;
    }

    /// <summary>No sniffing, no framing, no referrers, no caching of personal data.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            // Orleans' dashboard is its own single-page app with its own assets; ours stays strict.
            if (!context.Request.Path.StartsWithSegments(AuthSetup.DashboardPath))
            {
                headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
            }
            if (!headers.ContainsKey("Cache-Control")) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        await next(context);
    });
}
