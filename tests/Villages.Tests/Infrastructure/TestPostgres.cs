using System.Globalization;
using Npgsql;
using Villages.Silo.Storage;
using Villages.Silo.Postgres;

namespace Villages.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL server per test process, started on first use under
/// <c>&lt;temp&gt;/villages-tests-&lt;pid&gt;</c> and stopped and deleted once the process has exited.
/// Tests get their own empty database from <see cref="CreateDatabaseAsync"/>; nothing is mocked.
/// </summary>
public static class TestPostgres
{
    private const string DirectoryPrefix = "villages-tests-";
    private static readonly Lazy<Task<LocalPostgres>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databaseCounter;

    /// <summary>The directory this process keeps its cluster under.</summary>
    public static string RootDirectory { get; } =
        Path.Combine(Path.GetTempPath(), DirectoryPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The shared server, started on first call.</summary>
    public static Task<LocalPostgres> GetServerAsync() => Server.Value;

    /// <summary>
    /// Creates a fresh, empty database and returns its connection string. With <paramref name="migrate"/>
    /// the Villages schema (all embedded scripts) is applied first.
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(string? prefix = null, bool migrate = true, CancellationToken ct = default)
    {
        var server = await GetServerAsync().ConfigureAwait(false);
        var name = UniqueName(prefix);
        // Npgsql's pools are per connection string and outlive the host that used them: a burst of
        // a hundred connections (a rebuild writing every region at once) would otherwise stay open
        // for five minutes after its test, and the server's max_connections is shared by them all.
        var connectionString = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync(name, ct).ConfigureAwait(false))
        {
            ConnectionIdleLifetime = 2,
            ConnectionPruningInterval = 1,
        }.ConnectionString;
        if (migrate)
        {
            await SchemaMigrator.ApplyAsync(connectionString, logger: null, ct).ConfigureAwait(false);
        }

        return connectionString;
    }

    /// <summary>Closes the idle connections of a database's pool now (a fixture is done with it).</summary>
    public static void Release(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    private static string UniqueName(string? prefix)
    {
        var clean = new string((prefix ?? "test").ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray());
        if (clean.Length == 0 || !char.IsAsciiLetter(clean[0]))
        {
            clean = "t_" + clean;
        }

        var suffix = "_" + Interlocked.Increment(ref _databaseCounter).ToString(CultureInfo.InvariantCulture)
            + "_" + Guid.NewGuid().ToString("N")[..6];
        return clean[..Math.Min(clean.Length, 63 - suffix.Length)] + suffix;
    }

    private static async Task<LocalPostgres> StartAsync()
    {
        RemoveLeftoversOfDeadRuns();

        // Made world-traversable explicitly: when the tests run as root the server runs as 'postgres'.
        Directory.CreateDirectory(RootDirectory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(RootDirectory, (UnixFileMode)Convert.ToInt32("755", 8));
        }

        var server = await LocalPostgres.StartAsync(new LocalPostgresOptions
        {
            DataDirectory = Path.Combine(RootDirectory, "pg"),
            Database = "villages_tests",
            // The test server shares two cores with the test run and lives for a minute.
            SharedBuffersMegabytes = 128,
            SyncNewCluster = false,
        }).ConfigureAwait(false);

        StartReaper(server);
        return server;
    }

    // Stops the server (immediate mode: the cluster is thrown away) and deletes its directories once this process is gone.
    private static void StartReaper(LocalPostgres server) =>
        Reaper.Start(null, server.GetStopCommand(immediate: true), RootDirectory, server.DataDirectory, server.SocketDirectory);

    // A test process killed with SIGKILL leaves its server running and its directory behind; the
    // next run stops and removes those whose process is gone.
    private static void RemoveLeftoversOfDeadRuns()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var pidText = Path.GetFileName(dir)[DirectoryPrefix.Length..];
            if (!int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}"))
            {
                continue;
            }

            var dataDirectory = Path.Combine(dir, "pg");
            if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
            {
                // Best effort: a leftover we cannot stop only costs some memory.
                LocalPostgres.StopServer(dataDirectory, immediate: true);
            }

            DeleteQuietly(dir);
            DeleteQuietly(dataDirectory + ".sock");
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort; the next run retries.
        }
    }
}
