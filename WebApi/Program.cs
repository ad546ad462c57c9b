using Villages.Hosting;
using Villages.WebApi;

// Configuration is read once: watching appsettings files costs CPU on every node for nothing.
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
using var bootLogger = LoggerFactory.Create(logging => logging.AddConsole());
await using var localDatabase = await LocalDatabase.EnsureAsync(builder.Configuration, builder.Environment.ContentRootPath, bootLogger.CreateLogger("Villages.LocalDatabase"));
builder.AddVillagesWebApi();
var app = builder.Build();
app.UseVillagesWebApi();
await app.RunAsync();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
