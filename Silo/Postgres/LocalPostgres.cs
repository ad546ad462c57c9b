using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Villages.Silo.Postgres;

/// <summary>
/// A private PostgreSQL server for the default local run and for tests: listens on 127.0.0.1 only,
/// keeps its cluster in a data directory of ours, asks every connection for the superuser's
/// password (generated once, kept beside the data directory: see LocalPostgres.Password.cs).
/// </summary>
/// <remarks>
/// <para>PostgreSQL refuses to run as root. When this process is root, initdb and pg_ctl run as the
/// <c>postgres</c> system user through <c>runuser</c>, and the directories are handed to that user.
/// If that user cannot even reach the requested directory (say it lies under /root), the cluster is
/// kept under <c>/var/tmp/villages-pg/&lt;hash of the requested path&gt;</c> instead, so the same
/// request always finds the same cluster; <see cref="DataDirectory"/> tells where it ended up.</para>
/// <para>Settings are rewritten to <c>villages.conf</c> in the data directory at every start
/// (included from postgresql.conf): durable (fsync, synchronous_commit and full_page_writes on),
/// sized for many pooled connections and a write-heavy grain state table.</para>
/// </remarks>
public sealed partial class LocalPostgres : IAsyncDisposable
{
    /// <summary>The superuser that initdb creates and the connection strings use.</summary>
    public const string Superuser = "postgres";

    private const string ServerUser = "postgres";
    private const string ConfigFileName = "villages.conf";
    private const string LogFileName = "server.log";
    private const string FallbackRoot = "/var/tmp/villages-pg";
    private const int MaxPortAttempts = 5;

    private readonly LocalPostgresOptions _options;
    private readonly ILogger _logger;
    private readonly bool _runAsServerUser;
    private readonly object _stopLock = new();
    private bool _stopped;

    private LocalPostgres(LocalPostgresOptions options, ILogger logger, string binDirectory, bool runAsServerUser,
        string requestedDataDirectory, string dataDirectory, string socketDirectory)
    {
        _options = options;
        _logger = logger;
        _runAsServerUser = runAsServerUser;
        BinDirectory = binDirectory;
        RequestedDataDirectory = requestedDataDirectory;
        DataDirectory = dataDirectory;
        SocketDirectory = socketDirectory;
        Database = options.Database;
    }

    /// <summary>The data directory that was asked for.</summary>
    public string RequestedDataDirectory { get; }

    /// <summary>The data directory in use: the requested one, or the fallback when the server user cannot reach it.</summary>
    public string DataDirectory { get; }

    /// <summary>Directory of the server's Unix socket (-k).</summary>
    public string SocketDirectory { get; }

    /// <summary>Directory of the PostgreSQL binaries in use.</summary>
    public string BinDirectory { get; }

    /// <summary>The server's log file (inside the data directory).</summary>
    public string LogFile => Path.Combine(DataDirectory, LogFileName);

    /// <summary>Always 127.0.0.1.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The TCP port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The application database.</summary>
    public string Database { get; }

    /// <summary>False when a server already running on this data directory was adopted; stopping is then left to whoever started it.</summary>
    public bool OwnsServer { get; private set; } = true;

    /// <summary>Npgsql connection string of the application database.</summary>
    public string ConnectionString => GetConnectionString(Database);

    /// <summary>Starts (initialising on first use) the server and creates the application database if missing.</summary>
    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions options, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataDirectory);
        ValidateDatabaseName(options.Database);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("LocalPostgres runs PostgreSQL's own binaries and supports Linux only.");
        }

        logger ??= NullLogger.Instance;
        var bin = options.BinDirectory ?? FindBinDirectory();
        var asServerUser = Environment.IsPrivilegedProcess;
        var requested = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDirectory));

        var dataDirectory = requested;
        if (asServerUser)
        {
            await EnsureServerUserExistsAsync(ct).ConfigureAwait(false);
            var parent = Path.GetDirectoryName(requested) ?? "/";
            Directory.CreateDirectory(parent);
            if (!await ServerUserCanTraverseAsync(parent, ct).ConfigureAwait(false))
            {
                Directory.CreateDirectory(FallbackRoot);
                File.SetUnixFileMode(FallbackRoot, (UnixFileMode)Convert.ToInt32("755", 8));
                dataDirectory = Path.Combine(FallbackRoot, ShortHash(requested));
                logger.LogInformation(
                    "The {User} user cannot reach {Requested}; keeping the PostgreSQL cluster in {DataDirectory} instead.",
                    ServerUser, requested, dataDirectory);
            }
        }

        var socketDirectory = dataDirectory + ".sock";
        if (socketDirectory.Length > 90)
        {
            // A Unix socket path is limited to 107 bytes, and the server appends "/.s.PGSQL.<port>".
            socketDirectory = Path.Combine(Path.GetTempPath(), "villages-pg-" + ShortHash(dataDirectory) + ".sock");
        }

        var server = new LocalPostgres(options, logger, bin, asServerUser, requested, dataDirectory, socketDirectory);
        await server.StartCoreAsync(ct).ConfigureAwait(false);
        return server;
    }

    /// <summary>Npgsql connection string for <paramref name="database"/> on this server.</summary>
    public string GetConnectionString(string database)
    {
        ValidateDatabaseName(database);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = Superuser,
            Password = _password,
            Database = database,
            MaxPoolSize = _options.MaxPoolSize,
            MinPoolSize = 0,
            Timeout = 15,
            CommandTimeout = 30,
            // Orleans and the grains run the same few statements over and over: let Npgsql prepare
            // them on the server after their second use instead of parsing and planning every call.
            MaxAutoPrepare = 64,
            AutoPrepareMinUsages = 2,
            // No reset when a connection returns to the pool: Npgsql's reset is seven simple-protocol
            // statements (RESET ALL, UNLISTEN *, ...) that PostgreSQL parses every time, measured at
            // about a tenth of the server's CPU under enrolment load. Nothing here leaves session
            // state behind: no SET, no temporary tables, no LISTEN, no advisory locks outside a
            // transaction.
            NoResetOnClose = true,
        };
        return builder.ConnectionString;
    }

    /// <summary>Creates <paramref name="database"/> if it does not exist; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string database, CancellationToken ct = default)
    {
        ValidateDatabaseName(database);
        await using var connection = new NpgsqlConnection(GetConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
            {
                return GetConnectionString(database);
            }
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(database)}", connection);
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            _logger.LogInformation("Created database {Database}.", database);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Someone else created it in the meantime.
        }

        return GetConnectionString(database);
    }


    /// <summary>The last lines the server wrote to its log, for error messages.</summary>
    public string ReadLogTail(int lines = 40, long fromOffset = 0)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = Math.Max(fromOffset, stream.Length - (64 * 1024));
            stream.Seek(start, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', text.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return $"(no server log at {LogFile}: {ex.Message})";
        }
        catch (UnauthorizedAccessException ex)
        {
            return $"(server log {LogFile} is not readable: {ex.Message})";
        }
    }

    [SupportedOSPlatform("linux")]
    private async Task StartCoreAsync(CancellationToken ct)
    {
        PrepareDirectory(DataDirectory);
        PrepareDirectory(SocketDirectory);
        if (_runAsServerUser)
        {
            await ChownAsync(DataDirectory, recursive: false, ct).ConfigureAwait(false);
        }
        var passwordIsNew = LoadPassword();

        if (await TryAdoptRunningServerAsync(ct).ConfigureAwait(false))
        {
            await RequirePasswordsOnlineAsync(passwordIsNew, ct).ConfigureAwait(false);
            await CreateDatabaseAsync(Database, ct).ConfigureAwait(false);
            return;
        }

        await InitializeClusterIfNeededAsync(ct).ConfigureAwait(false);
        await RequirePasswordsAsync(passwordIsNew, ct).ConfigureAwait(false);

        for (var attempt = 1; ; attempt++)
        {
            Port = _options.Port ?? LoopbackPort.Free();
            await WriteConfigurationAsync(ct).ConfigureAwait(false);
            if (_runAsServerUser)
            {
                await ChownAsync(DataDirectory, recursive: true, ct).ConfigureAwait(false);
                await ChownAsync(SocketDirectory, recursive: false, ct).ConfigureAwait(false);
            }

            var logOffset = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
            var timeoutSeconds = Math.Max(1, (int)Math.Ceiling(_options.StartTimeout.TotalSeconds));
            var result = await RunToolAsync("pg_ctl",
                ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", timeoutSeconds.ToString(CultureInfo.InvariantCulture), "-s"],
                _options.StartTimeout + TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);

            if (result.ExitCode == 0)
            {
                await WaitUntilAcceptingAsync(logOffset, ct).ConfigureAwait(false);
                break;
            }

            var tail = ReadLogTail(fromOffset: logOffset);
            if (_options.Port is null && attempt < MaxPortAttempts && IsPortClash(tail))
            {
                _logger.LogInformation("Port {Port} was taken before PostgreSQL could bind it; trying another.", Port);
                continue;
            }

            // Another process may have started a server on this directory at the same moment.
            if (await TryAdoptRunningServerAsync(ct).ConfigureAwait(false))
            {
                break;
            }

            throw new InvalidOperationException(
                $"PostgreSQL did not start (pg_ctl exit code {result.ExitCode}) in {DataDirectory} on port {Port}.\n" +
                $"pg_ctl: {result.Output.Trim()}\nServer log ({LogFile}):\n{tail}");
        }

        await CreateDatabaseAsync(Database, ct).ConfigureAwait(false);
        _logger.LogInformation("PostgreSQL is running on {Host}:{Port} with data in {DataDirectory}.", Host, Port, DataDirectory);
    }

    private async Task WaitUntilAcceptingAsync(long logOffset, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + _options.StartTimeout;
        var builder = new NpgsqlConnectionStringBuilder(GetConnectionString("postgres")) { Pooling = false, Timeout = 2 };
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException && !ct.IsCancellationRequested)
            {
                last = ex;
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }

        throw new TimeoutException(
            $"PostgreSQL on {Host}:{Port} did not accept connections within {_options.StartTimeout.TotalSeconds:0} s " +
            $"(last error: {last?.Message}).\nServer log ({LogFile}):\n{ReadLogTail(fromOffset: logOffset)}");
    }

    [SupportedOSPlatform("linux")]
    private static void PrepareDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // The server insists on 0700 (or 0750) for its data directory.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool IsPortClash(string log) =>
        log.Contains("Address already in use", StringComparison.Ordinal) ||
        log.Contains("could not create any TCP/IP sockets", StringComparison.Ordinal) ||
        log.Contains("could not bind", StringComparison.Ordinal);

    private static string ShortHash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];

    private static void ValidateDatabaseName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 63 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"Database name '{name}' must be 1-63 ASCII letters, digits or underscores.", nameof(name));
        }
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
