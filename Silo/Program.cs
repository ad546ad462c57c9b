using Villages.Hosting;

// A dedicated silo: grains, membership in PostgreSQL, health and metrics for probes and scrapers.
// Configuration is read once: watching appsettings files costs CPU on every node for nothing.
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
using var bootLogger = LoggerFactory.Create(logging => logging.AddConsole());
await using var localDatabase = await LocalDatabase.EnsureAsync(builder.Configuration, builder.Environment.ContentRootPath, bootLogger.CreateLogger("Villages.LocalDatabase"));
builder.UseOrleans(silo => silo.UseVillages(builder.Configuration));
builder.Services.AddVillagesTelemetry(builder.Configuration, "villages-silo");
builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo", tags: ["ready"]);

var app = builder.Build();
app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
app.MapPrometheusScrapingEndpoint("/metrics");
await app.RunAsync();
