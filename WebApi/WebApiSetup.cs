using Villages.Silo.Configuration;
using Villages.Silo.Hosting;
using Villages.WebApi.Auth;
using Villages.WebApi.Dashboard;
using Villages.WebApi.Endpoints;
using Villages.WebApi.Http;
using Villages.WebApi.Operations;
using Villages.WebApi.Progress;

namespace Villages.WebApi;

/// <summary>Everything the HTTP front needs, shared by Program and the tests.</summary>
public static class WebApiSetup
{
    public static WebApplicationBuilder AddVillagesWebApi(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var cluster = builder.Services.AddVillagesSettings(configuration);
        if (cluster.CoHostSilo) builder.AddVillagesSilo("villages-webapi-silo");
        else builder.AddVillagesClient("villages-webapi", client => client.AddClusterConnectionStatusObserver<ClusterChangeObserver>());
        builder.AddVillagesAuth();
        builder.Services.AddVillagesRateLimiting(configuration);
        builder.Services.AddVillagesForwardedHeaders(configuration);
        builder.Services.AddValidatedOptions<LimitOptions>(configuration, LimitOptions.Section);
        builder.Services.AddSingleton<StreamSlots>();
        builder.AddManagementPort();
        // Each endpoint that reads a body sets its own limit (BodyLimit); this is for a body nobody declared.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = BodyLimit.Undeclared);
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ErrorHandler>();
        builder.Services.AddVillagesOpenApi();
        builder.Services.AddValidatedOptions<Demo.DemoOptions>(configuration, Demo.DemoOptions.Section);
        builder.Services.AddHostedService<Demo.DemoCampaign>();
        builder.Services.AddSingleton<ProgressFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProgressFeed>());
        builder.Services.AddVillagesDashboard();
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        return builder;
    }

    public static WebApplication UseVillagesWebApi(this WebApplication app)
    {
        app.UseVillagesForwardedHeaders();
        app.UseManagementPort();
        // Over HTTPS (as a configured proxy says, or Kestrel's own): browsers keep to HTTPS for a year.
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseSecurityHeaders();
        app.UseResponseCompression();
        app.UseExceptionHandler();
        app.UseStatusCodePages(ErrorHandler.StatusCodeProblem);
        app.UseVillagesDashboard();
        app.UseVillagesAuth();
        app.UseRateLimiter();
        app.MapOperationsEndpoints();
        var village = app.MapVillageEndpoints();
        village.MapEnrollmentEndpoints();
        village.MapExportEndpoints(app);
        app.MapImportEndpoints();
        app.MapCoverageEndpoints();
        app.MapRenewalEndpoints();
        app.MapMoneyEndpoints();
        app.MapReconciliationEndpoints();
        app.MapAgentEndpoints();
        app.MapProgressEndpoints();
        return app;
    }
}
