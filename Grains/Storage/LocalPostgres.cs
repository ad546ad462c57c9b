using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Villages.Storage;

/// <summary>Settings for <see cref="LocalPostgres"/>.</summary>
public sealed record LocalPostgresOptions
{
    /// <summary>Where the cluster lives. Created and initialised on first use, reused afterwards.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The application database, created if missing.</summary>
    public string Database { get; init; } = "villages";

    /// <summary>TCP port on 127.0.0.1; <c>null</c> picks a free one at every start.</summary>
    public int? Port { get; init; }

    /// <summary>How long to wait for the server to accept connections.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Server max_connections: room for the pools of several silos and WebApi nodes.</summary>
    public int MaxConnections { get; init; } = 300;

    /// <summary>shared_buffers in MB; <c>null</c> means 25% of the memory available to this process, at most 512 MB.</summary>
    public int? SharedBuffersMegabytes { get; init; }

    /// <summary>Npgsql pool size per connection string in <see cref="LocalPostgres.ConnectionString"/>.</summary>
    public int MaxPoolSize { get; init; } = 100;

    /// <summary>
    /// Whether initdb flushes the new cluster to disk (seconds on a slow disk). Only throw-away clusters,
    /// such as the tests', should turn this off; the running server is durable either way.
    /// </summary>
    public bool SyncNewCluster { get; init; } = true;

    /// <summary>Directory holding pg_ctl, initdb and postgres; <c>null</c> searches (see <see cref="LocalPostgres.FindBinDirectory"/>).</summary>
    public string? BinDirectory { get; init; }
}

/// <summary>
/// A private PostgreSQL server for the default local run and for tests: listens on 127.0.0.1 only,
/// keeps its cluster in a data directory of ours, trusts local connections.
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
public sealed class LocalPostgres : IAsyncDisposable
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

    /// <summary>
    /// The newest <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> that has initdb, pg_ctl and postgres,
    /// else the first directory on PATH that has them.
    /// </summary>
    public static string FindBinDirectory()
    {
        static bool HasTools(string dir) =>
            File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "postgres"));

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Bin: Path.Combine(d, "bin"), Version: Version.TryParse(VersionText(Path.GetFileName(d)), out var v) ? v : null))
                .Where(x => x.Version is not null && HasTools(x.Bin))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Bin)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (HasTools(dir))
            {
                return dir;
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in /usr/lib/postgresql/*/bin or on PATH. " +
            "Install them, e.g. 'apt-get install postgresql'.");

        static string VersionText(string name) => name.Contains('.', StringComparison.Ordinal) ? name : name + ".0";
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

    /// <summary>Stops the server (pg_ctl stop -m fast) if this instance started it.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (!BeginStop())
        {
            return;
        }

        var result = await RunToolAsync("pg_ctl", StopArguments(immediate: false), TimeSpan.FromSeconds(90), ct).ConfigureAwait(false);
        ReportStop(result);
    }

    /// <summary>
    /// Stops the server synchronously, for process-exit handlers. <paramref name="immediate"/> uses
    /// pg_ctl's immediate mode (no shutdown checkpoint; crash recovery on next start), for throw-away clusters.
    /// </summary>
    public void Stop(bool immediate = false)
    {
        if (!BeginStop())
        {
            return;
        }

        ReportStop(RunTool("pg_ctl", StopArguments(immediate), TimeSpan.FromSeconds(90)));
    }

    /// <summary>
    /// Stops whatever server runs on <paramref name="dataDirectory"/>, e.g. one left behind by a killed
    /// process (pg_ctl stop, as the server user when this process is root). Returns true if pg_ctl succeeded.
    /// </summary>
    public static bool StopServer(string dataDirectory, bool immediate = false, string? binDirectory = null)
    {
        var (fileName, arguments) = ToolCommand(binDirectory ?? FindBinDirectory(), Environment.IsPrivilegedProcess, "pg_ctl",
            StopArguments(dataDirectory, immediate));
        return RunProcess(fileName, arguments, TimeSpan.FromSeconds(90)).ExitCode == 0;
    }

    /// <summary>
    /// The command line that stops this server (pg_ctl stop, through runuser when this process is root),
    /// for callers that must stop it from outside this process, e.g. a clean-up script.
    /// </summary>
    public IReadOnlyList<string> GetStopCommand(bool immediate = false)
    {
        var (fileName, arguments) = ToolCommand(BinDirectory, _runAsServerUser, "pg_ctl", StopArguments(immediate));
        return [fileName, .. arguments];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

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

        if (await TryAdoptRunningServerAsync(ct).ConfigureAwait(false))
        {
            await CreateDatabaseAsync(Database, ct).ConfigureAwait(false);
            return;
        }

        await InitializeClusterIfNeededAsync(ct).ConfigureAwait(false);

        for (var attempt = 1; ; attempt++)
        {
            Port = _options.Port ?? Hosting.LoopbackPort.Free();
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

    private async Task InitializeClusterIfNeededAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            _logger.LogDebug("Reusing the PostgreSQL cluster in {DataDirectory}.", DataDirectory);
            return;
        }

        if (Directory.EnumerateFileSystemEntries(DataDirectory).Any())
        {
            throw new InvalidOperationException(
                $"{DataDirectory} is not empty but holds no PostgreSQL cluster (no PG_VERSION file), e.g. after an interrupted initdb. " +
                "Remove it, or point LocalPostgres at another directory.");
        }

        _logger.LogInformation("Initialising a PostgreSQL cluster in {DataDirectory}.", DataDirectory);
        string[] arguments = ["-D", DataDirectory, "-U", Superuser, "--encoding=UTF8", "--locale=C", "--auth=trust"];
        var result = await RunToolAsync("initdb", _options.SyncNewCluster ? arguments : [.. arguments, "--no-sync"],
            TimeSpan.FromMinutes(2), ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"initdb failed with exit code {result.ExitCode} for {DataDirectory}:\n{result.Output}");
        }

        var include = $"\n# Added by Villages LocalPostgres: its settings, rewritten at every start.\ninclude_if_exists = '{ConfigFileName}'\n";
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), include, ct).ConfigureAwait(false);
    }

    private async Task WriteConfigurationAsync(CancellationToken ct)
    {
        var availableMb = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024);
        var sharedBuffersMb = _options.SharedBuffersMegabytes ?? (int)Math.Clamp(availableMb / 4, 32, 512);
        var effectiveCacheMb = Math.Max(sharedBuffersMb, availableMb / 2);

        var settings = new (string Name, string Value)[]
        {
            // Reachable from this machine only, on the port picked for this run.
            ("listen_addresses", "'127.0.0.1'"),
            ("port", Port.ToString(CultureInfo.InvariantCulture)),
            ("unix_socket_directories", Quote(SocketDirectory)),
            ("max_connections", _options.MaxConnections.ToString(CultureInfo.InvariantCulture)),

            // Durability is not traded for speed: a committed grain state survives a crash.
            ("fsync", "on"),
            ("synchronous_commit", "on"),
            ("full_page_writes", "on"),

            // Memory: the grain state table's hot part should stay cached.
            ("shared_buffers", $"'{sharedBuffersMb}MB'"),
            ("effective_cache_size", $"'{effectiveCacheMb}MB'"),
            ("work_mem", "'4MB'"),
            ("maintenance_work_mem", "'256MB'"),

            // Write bursts: a larger WAL buffer for many concurrent commits, and rarer, spread-out
            // checkpoints so random updates over millions of rows do not log full pages over and over.
            ("wal_buffers", "'32MB'"),
            ("wal_compression", "on"),
            ("checkpoint_timeout", "'15min'"),
            ("checkpoint_completion_target", "0.9"),
            ("max_wal_size", "'4GB'"),
            ("min_wal_size", "'512MB'"),

            // Short point queries on SSD-backed storage; JIT only costs latency for them.
            ("random_page_cost", "1.1"),
            ("effective_io_concurrency", "200"),
            ("jit", "off"),

            // Keep up with a table whose rows are rewritten all the time.
            ("autovacuum_naptime", "'15s'"),
            ("autovacuum_vacuum_cost_limit", "1000"),

            ("timezone", "'UTC'"),
            ("log_timezone", "'UTC'"),
            ("log_line_prefix", "'%m [%p] %q%u@%d '"),
            ("log_checkpoints", "on"),
            ("log_lock_waits", "on"),
            ("log_min_duration_statement", "'1s'"),
            ("log_autovacuum_min_duration", "'10s'"),
        };

        var text = new StringBuilder()
            .AppendLine("# Written by Villages LocalPostgres at every start; edits here are overwritten.")
            .AppendLine("# Change LocalPostgres (Grains/Storage/LocalPostgres.cs) instead.");
        foreach (var (name, value) in settings)
        {
            text.Append(name).Append(" = ").AppendLine(value);
        }

        await File.WriteAllTextAsync(Path.Combine(DataDirectory, ConfigFileName), text.ToString(), ct).ConfigureAwait(false);

        static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    private async Task<bool> TryAdoptRunningServerAsync(CancellationToken ct)
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        var info = ReadPidFile(pidFile);
        if (info is null)
        {
            return false;
        }

        if (!IsProcessAlive(info.Pid))
        {
            // A crash left the lock file behind. The server checks this case itself on start
            // (dead PID, then no shared memory still attached), which is safer than deleting it here.
            _logger.LogInformation("Found postmaster.pid of a server that is gone (PID {Pid}); starting afresh.", info.Pid);
            return false;
        }

        if (!IsPostgresProgram(info.Pid))
        {
            // The PID was reused by an unrelated program (typical after a container restart). The
            // server would take that program for a running postmaster and refuse to start.
            var users = ProcessesWorkingIn(DataDirectory);
            if (users.Count > 0)
            {
                throw new InvalidOperationException(
                    $"{DataDirectory} is locked by postmaster.pid (PID {info.Pid}) and processes still work in it " +
                    $"(PIDs {string.Join(", ", users)}). Stop them before starting LocalPostgres.");
            }

            _logger.LogWarning("Removing stale postmaster.pid in {DataDirectory}: PID {Pid} now belongs to another program.", DataDirectory, info.Pid);
            File.Delete(pidFile);
            return false;
        }

        if (!ServesDataDirectory(info.Pid, pidFile))
        {
            // Never delete the lock file while a PostgreSQL process holds its PID: two servers on one
            // data directory would corrupt it.
            throw new InvalidOperationException(
                $"{pidFile} names PID {info.Pid}, a PostgreSQL process that does not seem to serve {DataDirectory}. " +
                "Stop that process, or remove postmaster.pid by hand if you are sure no server uses this directory.");
        }

        // A live server of this data directory (started by another process, or by us before).
        var deadline = DateTime.UtcNow + _options.StartTimeout;
        while (info is { Status: not "ready" } && DateTime.UtcNow < deadline && IsProcessAlive(info.Pid))
        {
            await Task.Delay(100, ct).ConfigureAwait(false);
            info = ReadPidFile(pidFile) ?? info with { Status = "gone" };
        }

        if (info is not { Status: "ready", Port: > 0 })
        {
            throw new InvalidOperationException(
                $"A PostgreSQL server (PID {info.Pid}) owns {DataDirectory} but did not become ready (status '{info.Status}').\n{ReadLogTail()}");
        }

        Port = info.Port;
        OwnsServer = false;
        _logger.LogInformation("Using the PostgreSQL server already running on {DataDirectory} (PID {Pid}, port {Port}).", DataDirectory, info.Pid, Port);
        await WaitUntilAcceptingAsync(0, ct).ConfigureAwait(false);
        return true;
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

    private bool BeginStop()
    {
        lock (_stopLock)
        {
            if (_stopped)
            {
                return false;
            }

            _stopped = true;
        }

        if (!OwnsServer)
        {
            _logger.LogDebug("Leaving the adopted PostgreSQL server on {DataDirectory} running.", DataDirectory);
            return false;
        }

        return true;
    }

    private string[] StopArguments(bool immediate) => StopArguments(DataDirectory, immediate);

    private static string[] StopArguments(string dataDirectory, bool immediate) =>
        ["stop", "-D", dataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "60", "-s"];

    private void ReportStop(ToolResult result)
    {
        if (result.ExitCode == 0)
        {
            _logger.LogInformation("PostgreSQL on port {Port} stopped.", Port);
        }
        else
        {
            _logger.LogWarning("pg_ctl stop for {DataDirectory} exited with {ExitCode}: {Output}", DataDirectory, result.ExitCode, result.Output.Trim());
        }
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

    private Task ChownAsync(string path, bool recursive, CancellationToken ct) =>
        RunCheckedAsync("chown", recursive ? ["-R", $"{ServerUser}:", path] : [$"{ServerUser}:", path], ct);

    private static async Task RunCheckedAsync(string program, string[] args, CancellationToken ct)
    {
        var result = await RunProcessAsync(program, args, TimeSpan.FromMinutes(2), ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{program} {string.Join(' ', args)}' failed with exit code {result.ExitCode}: {result.Output.Trim()}");
        }
    }

    private static async Task EnsureServerUserExistsAsync(CancellationToken ct)
    {
        var result = await RunProcessAsync("id", ["-u", ServerUser], TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"This process runs as root, and PostgreSQL refuses to: it has to run as the '{ServerUser}' user, which does not exist here. " +
                "Install the postgresql package (it creates that user) or run as an ordinary user.");
        }
    }

    private static async Task<bool> ServerUserCanTraverseAsync(string directory, CancellationToken ct)
    {
        // 'test -x' as the server user fails if any ancestor is not searchable for it.
        var result = await RunProcessAsync(RunUserPath(), ["-u", ServerUser, "--", "test", "-x", directory], TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    private static (string FileName, List<string> Arguments) ToolCommand(string binDirectory, bool asServerUser, string tool, IEnumerable<string> args)
    {
        var exe = Path.Combine(binDirectory, tool);
        return asServerUser
            ? (RunUserPath(), ["-u", ServerUser, "--", exe, .. args])
            : (exe, [.. args]);
    }

    private Task<ToolResult> RunToolAsync(string tool, IEnumerable<string> args, TimeSpan timeout, CancellationToken ct)
    {
        var (fileName, arguments) = ToolCommand(BinDirectory, _runAsServerUser, tool, args);
        return RunProcessAsync(fileName, arguments, timeout, ct);
    }

    private ToolResult RunTool(string tool, IEnumerable<string> args, TimeSpan timeout)
    {
        var (fileName, arguments) = ToolCommand(BinDirectory, _runAsServerUser, tool, args);
        return RunProcess(fileName, arguments, timeout);
    }

    private static ToolResult RunProcess(string fileName, IEnumerable<string> args, TimeSpan timeout)
    {
        using var process = Process.Start(CreateStartInfo(fileName, args))
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return new ToolResult(-1, $"{fileName} timed out after {timeout.TotalSeconds:0} s");
        }

        return new ToolResult(process.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }

    private static async Task<ToolResult> RunProcessAsync(string fileName, IEnumerable<string> args, TimeSpan timeout, CancellationToken ct)
    {
        using var process = Process.Start(CreateStartInfo(fileName, args))
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:0} s.");
        }

        return new ToolResult(process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    private static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server user may not be able to enter our working directory (e.g. under /root).
            WorkingDirectory = "/",
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Messages in English (the port clash check reads them), and no libpq settings of the caller.
        info.Environment["LC_ALL"] = "C";
        foreach (var name in new[] { "PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGDATABASE", "PGOPTIONS" })
        {
            info.Environment.Remove(name);
        }

        return info;
    }

    private static string RunUserPath() =>
        new[] { "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser" }.FirstOrDefault(File.Exists) ?? "runuser";

    private static bool IsPortClash(string log) =>
        log.Contains("Address already in use", StringComparison.Ordinal) ||
        log.Contains("could not create any TCP/IP sockets", StringComparison.Ordinal) ||
        log.Contains("could not bind", StringComparison.Ordinal);

    private static PidFileInfo? ReadPidFile(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        // Line 1: PID, 4: port, 8: status ("starting", "ready", "stopping"); see PostgreSQL's pidfile.h.
        if (lines.Length == 0 || !int.TryParse(lines[0].Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        var port = lines.Length > 3 && int.TryParse(lines[3].Trim(), CultureInfo.InvariantCulture, out var p) ? p : 0;
        var status = lines.Length > 7 ? lines[7].Trim() : "";
        return new PidFileInfo(pid, port, status);
    }

    private static bool IsProcessAlive(int pid) => Directory.Exists($"/proc/{pid}");

    private static bool IsPostgresProgram(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            var program = Path.GetFileName(cmdline.Split('\0', 2)[0]);
            return program.StartsWith("postgres", StringComparison.Ordinal) || program.StartsWith("postmaster", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // The postmaster runs with its data directory as working directory, so its lock file is visible
    // through /proc/<pid>/cwd; comparing contents also works when the two paths differ by symlinks.
    private bool ServesDataDirectory(int pid, string pidFile)
    {
        if (WorkingDirectoryOf(pid) is { } cwd && PathsEqual(cwd, DataDirectory))
        {
            return true;
        }

        try
        {
            return File.ReadAllText($"/proc/{pid}/cwd/postmaster.pid") == File.ReadAllText(pidFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static List<int> ProcessesWorkingIn(string dataDirectory)
    {
        var pids = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), CultureInfo.InvariantCulture, out var pid) &&
                WorkingDirectoryOf(pid) is { } cwd && PathsEqual(cwd, dataDirectory))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    private static string? WorkingDirectoryOf(int pid)
    {
        try
        {
            return File.ResolveLinkTarget($"/proc/{pid}/cwd", returnFinalTarget: false)?.FullName;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool PathsEqual(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);

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

    private sealed record PidFileInfo(int Pid, int Port, string Status);

    private sealed record ToolResult(int ExitCode, string Output);
}
