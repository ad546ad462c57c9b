using Villages.WebApi.Security;

namespace Villages.WebApi.Http;

/// <summary>The headers every response carries.</summary>
public static class SecurityHeaders
{
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
            if (!context.Request.Path.StartsWithSegments(AdminDashboard.Path))
            {
                headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
            }
            if (!headers.ContainsKey("Cache-Control")) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        await next(context);
    });
}
