using Villages.Silo.Hosting;

// A dedicated silo: grains, membership in PostgreSQL, health and metrics for probes and scrapers.
// Configuration is read once: watching appsettings files costs CPU on every node for nothing.
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
await using var localDatabase = await builder.StartLocalDatabaseAsync();
builder.AddVillagesSilo("villages-silo");
builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo", tags: ["ready"]);

var app = builder.Build();
app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
app.MapPrometheusScrapingEndpoint("/metrics");
await app.RunAsync();
