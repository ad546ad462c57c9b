using Villages.Privacy;
using Villages.Silo.Configuration;
using Villages.Silo.Storage;

namespace Villages.Silo.Postgres;

/// <summary>
/// The single-machine default: when no connection string is configured, start a private
/// PostgreSQL in the project folder (.data/postgres, bound to 127.0.0.1) and keep the privacy
/// secret beside it, so a fresh clone runs with one command and its data survives restarts.
/// </summary>
public static class LocalDatabase
{

    /// <summary>Starts the local server if needed and writes its connection string into configuration.</summary>
    public static async Task<IAsyncDisposable> EnsureAsync(IConfigurationManager configuration, string contentRoot, ILogger logger, CancellationToken ct = default)
    {
        if (!string.IsNullOrEmpty(configuration.GetConnectionString(PostgresConnection.Name)))
        {
            return NoServer.Instance;
        }
        if (!configuration.GetValidated<LocalDatabaseOptions>(LocalDatabaseOptions.Section).Enabled)
        {
            throw new InvalidOperationException(
                $"No ConnectionStrings:{PostgresConnection.Name} and {LocalDatabaseOptions.Section}:Enabled is false: nothing to store data in.");
        }
        var folder = Folder(configuration, contentRoot);
        Directory.CreateDirectory(folder);
        var server = await LocalPostgres.StartAsync(new LocalPostgresOptions { DataDirectory = Path.Combine(folder, "postgres") }, logger, ct);
        configuration[$"ConnectionStrings:{PostgresConnection.Name}"] = server.ConnectionString;
        if (string.IsNullOrEmpty(configuration[$"{PrivacyOptions.Section}:Secret"]))
        {
            configuration[$"{PrivacyOptions.Section}:Secret"] = LocalSecret(Path.Combine(folder, "privacy-secret"));
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

    /// <summary>The secret must outlive restarts: the registry's keys depend on it.</summary>
    private static string LocalSecret(string path)
    {
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        var secret = PrivacyOptions.NewSecret();
        File.WriteAllText(path, secret);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secret;
    }

    private sealed class NoServer : IAsyncDisposable
    {
        public static readonly NoServer Instance = new();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
