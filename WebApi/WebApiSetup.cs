using Microsoft.AspNetCore.Diagnostics;
using Villages.Hosting;
using Villages.WebApi.Api;
using Villages.WebApi.Dashboard;
using Villages.WebApi.Security;

namespace Villages.WebApi;

/// <summary>Everything the HTTP front needs, shared by Program and the tests.</summary>
public static class WebApiSetup
{
    public static WebApplicationBuilder AddVillagesWebApi(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var cluster = VillagesHosting.ClusterSettings(configuration);
        if (cluster.CoHostSilo) builder.UseOrleans(silo => silo.UseVillages(configuration));
        else builder.UseOrleansClient(client => client.UseVillages(configuration).AddClusterConnectionStatusObserver<Progress.ClusterChangeObserver>());
        builder.Services.AddVillageRules(configuration);
        builder.AddVillagesAuth();
        builder.Services.AddVillagesRateLimiting(configuration);
        builder.Services.AddVillagesTelemetry(configuration, cluster.CoHostSilo ? "villages-webapi-silo" : "villages-webapi");

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = ImportEndpoints.BodyLimit);
        // Amounts are numbers: "1000000" in quotes is a wrong type, not a number.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower));
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ErrorHandler>();
        builder.Services.AddOpenApi();
        builder.Services.Configure<Demo.DemoOptions>(configuration.GetSection(Demo.DemoOptions.Section));
        builder.Services.AddHostedService<Demo.DemoCampaign>();
        builder.Services.AddSingleton<Progress.ProgressFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Progress.ProgressFeed>());
        builder.Services.AddVillagesDashboard();
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        return builder;
    }

    public static WebApplication UseVillagesWebApi(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseResponseCompression();
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusCodeProblem);
        app.UseVillagesDashboard();
        app.UseVillagesAuth();
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        app.MapVillageEndpoints().MapEnrollmentEndpoints();
        app.MapExportEndpoints();
        app.MapImportEndpoints();
        Progress.ProgressEndpoints.MapProgressEndpoints(app);
        app.MapGet("/problems/{slug}", (string slug, HttpContext context) =>
            Problems.Catalog.TryGetValue(slug, out var entry)
                ? TypedResults.Ok(new { type = Problems.TypeOf(slug), entry.Title, entry.Status })
                : Problems.Result("not-found", "No such problem type.", context))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Bodiless 404/405/415s from routing become problem details too.</summary>
    private static async Task StatusCodeProblem(StatusCodeContext status)
    {
        var context = status.HttpContext;
        var slug = context.Response.StatusCode switch
        {
            401 => "unauthenticated",
            403 => "forbidden",
            404 => "not-found",
            405 => "method-not-allowed",
            413 => "payload-too-large",
            415 => "unsupported-media-type",
            >= 500 => "internal-error",
            _ => "malformed-request",
        };
        var detail = slug switch
        {
            "not-found" => "No resource at this path.",
            "unauthenticated" => "Sign in: this needs a bearer token.",
            "forbidden" => "Your role may not open this.",
            _ => "The request cannot be served as sent.",
        };
        var problem = Problems.Create(slug, detail, context);
        problem.Status = context.Response.StatusCode;
        await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, Problems.ContentType);
    }
}
