using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.FileProviders;
using Villages.WebApi.Auth;

namespace Villages.WebApi.Dashboard;

/// <summary>What the page asks first: the environment, whether it may offer the local sign-in, the occupations a worker may have.</summary>
public sealed record AboutJson(string Environment, bool DevelopmentTokens, IReadOnlyList<string> Occupations);

/// <summary>
/// The monitoring dashboard: static pages from wwwroot at /, deep links (/r/35.10, /v/35.10.01.2001,
/// /imports, /rekonsiliasi) answered with the same index.html, compressed responses and cache headers.
/// </summary>
public static class DashboardSetup
{
    /// <summary>Paths the page's router owns; everything under /api stays the API's, 404 included.</summary>
    private static readonly string[] PagePaths = ["/r/{region}", "/v/{village}", "/imports", "/rekonsiliasi", "/rekonsiliasi/{region}/{id}"];

    public static IServiceCollection AddVillagesDashboard(this IServiceCollection services)
    {
        services.AddResponseCompression(options =>
        {
            // Bodies never carry the caller's secrets (bearer tokens travel in headers), so compressing over HTTPS gives BREACH nothing to guess.
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            // Not text/event-stream: a compressor holds back the small events of the live stream.
            options.MimeTypes =
            [
                "text/html", "text/css", "text/javascript", "application/javascript", "text/plain", "text/csv",
                "application/json", "application/problem+json", "image/svg+xml",
            ];
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        return services;
    }

    /// <summary>
    /// Static files come before authentication and rate limits: they are public and cheap, and a page
    /// load should not spend the caller's API budget.
    /// </summary>
    public static WebApplication UseVillagesDashboard(this WebApplication app)
    {
        var files = Files(app.Environment);
        var options = Options(files);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(options);
        foreach (var path in PagePaths) app.MapFallbackToFile(path, "index.html", options);
        var about = new AboutJson(app.Environment.EnvironmentName, app.Services.GetService<DevelopmentTokenIssuer>() is not null,
            app.Services.GetRequiredService<Domain.EnrollmentOptions>().AllowedOccupations);
        app.MapGet("/api/about", () => TypedResults.Ok(about))
            .WithName("getAbout").WithTags("Dashboard")
            .WithSummary("The environment, whether POST /dev/tokens signs people in (Development only), and the occupations a worker may have.");
        return app;
    }

    private static StaticFileOptions Options(IFileProvider files) => new()
    {
        FileProvider = files,
        OnPrepareResponse = context =>
        {
            // Libraries live in folders named with their version: cache them for a year. Our own
            // pages change with every deployment: revalidate them (a 304 costs a few bytes).
            context.Context.Response.Headers.CacheControl = context.Context.Request.Path.StartsWithSegments("/lib")
                ? "public, max-age=31536000, immutable"
                : "no-cache";
        },
    };

    /// <summary>
    /// The project's wwwroot under `dotnet run` (edits show on reload), else the copy in the build
    /// output, for hosts whose content root has none (the tests, a binary started from elsewhere).
    /// </summary>
    private static IFileProvider Files(IWebHostEnvironment environment)
    {
        if (environment.WebRootFileProvider.GetFileInfo("index.html").Exists) return environment.WebRootFileProvider;
        var output = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return Directory.Exists(output) ? new PhysicalFileProvider(output) : new NullFileProvider();
    }
}
