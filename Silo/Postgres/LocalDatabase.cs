using Villages.Privacy;
using Villages.Silo.Configuration;
using Villages.Silo.Storage;

namespace Villages.Silo.Postgres;

/// <summary>
/// The single-machine default: when no connection string is configured, start a private
/// PostgreSQL in the project folder (.data/postgres, bound to 127.0.0.1, password authentication)
/// and keep the privacy secret beside it (it must outlive restarts: the registry's keys depend on
/// it), so a fresh clone runs with one command and its data survives restarts. .data is 0700.
/// </summary>
public static class LocalDatabase
{

    /// <summary>Starts the local server if needed and writes its connection string into configuration.</summary>
    public static async Task<IAsyncDisposable> EnsureAsync(IConfigurationManager configuration, IHostEnvironment environment, ILogger logger, CancellationToken ct = default)
    {
        if (!string.IsNullOrEmpty(configuration.GetConnectionString(PostgresConnection.Name)))
        {
            return NoServer.Instance;
        }
        if (!(configuration.GetValidated<LocalDatabaseOptions>(LocalDatabaseOptions.Section).Enabled ?? environment.IsDevelopment()))
        {
            throw new InvalidOperationException(
                $"No ConnectionStrings:{PostgresConnection.Name}: set it, or {LocalDatabaseOptions.Section}:Enabled=true to keep a local " +
                $"database in {Folder(configuration, environment.ContentRootPath)} (outside Development the local database is off unless enabled).");
        }
        var folder = Folder(configuration, environment.ContentRootPath);
        SecretFile.EnsurePrivateFolder(folder);
        await LocalPostgres.LetServerUserThroughAsync(folder, ct);
        var server = await LocalPostgres.StartAsync(new LocalPostgresOptions { DataDirectory = Path.Combine(folder, "postgres") }, logger, ct);
        configuration[$"ConnectionStrings:{PostgresConnection.Name}"] = server.ConnectionString;
        if (string.IsNullOrEmpty(configuration[$"{PrivacyOptions.Section}:Secret"]))
        {
            configuration[$"{PrivacyOptions.Section}:Secret"] = SecretFile.ReadOrCreate(Path.Combine(folder, "privacy-secret"), PrivacyOptions.NewSecret);
        }
        logger.LogInformation("Local PostgreSQL at {Host}:{Port}, data in {Directory}", server.Host, server.Port, server.DataDirectory);
        return server;
    }

    /// <summary>Where the local run keeps its database and secrets: `Villages:LocalDatabase:Directory`, else .data in the repository.</summary>
    public static string Folder(IConfiguration configuration, string contentRoot) =>
        configuration.GetValidated<LocalDatabaseOptions>(LocalDatabaseOptions.Section).Directory ?? Path.Combine(ProjectRoot(contentRoot), ".data");

    /// <summary>The repository root (where Villages.sln is) when run from a clone, else the app folder.</summary>
    public static string ProjectRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Villages.sln"))) return dir.FullName;
        }
        return start;
    }

    private sealed class NoServer : IAsyncDisposable
    {
        public static readonly NoServer Instance = new();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
