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

/// <summary>Initialising a new cluster and writing its settings.</summary>
public sealed partial class LocalPostgres
{
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
        // Trust only until RequirePasswordsAsync, before the server first starts: a password set in
        // single-user mode, the same path a cluster of an earlier version takes.
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
}
