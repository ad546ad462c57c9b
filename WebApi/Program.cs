using Villages.Silo.Hosting;
using Villages.WebApi;

// Configuration is read once: watching appsettings files costs CPU on every node for nothing.
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
await using var localDatabase = await builder.StartLocalDatabaseAsync();
builder.AddVillagesWebApi();
var app = builder.Build();
app.UseVillagesWebApi();
await app.RunAsync();
