using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Villages.Silo.Storage;

/// <summary>One versioned SQL script, as embedded in this assembly (Grains/Storage/Sql/NNNN_name.sql).</summary>
/// <param name="Version">The number before the first underscore of the file name.</param>
/// <param name="Name">The file name, e.g. <c>0002_orleans_clustering.sql</c>.</param>
/// <param name="Sql">The script text; line endings are normalised to <c>\n</c>, so a CRLF checkout does not count as a change.</param>
public sealed record SchemaScript(int Version, string Name, string Sql)
{
    private readonly string _sql = NormalizeLineEndings(Sql);

    /// <summary>The script text, with <c>\n</c> line endings.</summary>
    public string Sql
    {
        get => _sql;
        init => _sql = NormalizeLineEndings(value);
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 script text.</summary>
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    private static string NormalizeLineEndings(string sql) => sql.Replace("\r\n", "\n", StringComparison.Ordinal);
}

/// <summary>Thrown when the database cannot be brought to this build's schema, e.g. an applied script was edited.</summary>
public sealed class SchemaMigrationException(string message) : Exception(message);

/// <summary>
/// Applies the embedded SQL scripts to a PostgreSQL database, in file-name order, each once.
/// </summary>
/// <remarks>
/// <para>Applied scripts are recorded in <c>villages_schema_history</c> with a checksum. A script whose
/// recorded checksum differs from the embedded one stops the process with a
/// <see cref="SchemaMigrationException"/>: released scripts are never edited, a change is a new script.</para>
/// <para>Every step runs in its own transaction holding <c>pg_advisory_xact_lock(<see cref="AdvisoryLockKey"/>)</c>,
/// so silos and WebApi nodes that start together take turns; whoever comes second sees the script as
/// applied and moves on. The lock is released with the transaction, so a crashed node cannot leave it held.</para>
/// <para>Scripts recorded in the history but unknown to this build (a newer node migrated first) are tolerated.</para>
/// </remarks>
public static partial class SchemaMigrator
{
    /// <summary>The advisory lock all Villages migrations serialise on: "Villages" in ASCII.</summary>
    public const long AdvisoryLockKey = 0x56696C6C61676573;

    /// <summary>The table that records applied scripts.</summary>
    public const string HistoryTable = "villages_schema_history";

    private const string ResourcePrefix = "Villages.Storage.Sql.";

    private static readonly Lazy<IReadOnlyList<SchemaScript>> EmbeddedScripts = new(LoadEmbeddedScripts);

    /// <summary>The scripts embedded in this assembly, ordered by file name.</summary>
    public static IReadOnlyList<SchemaScript> Scripts => EmbeddedScripts.Value;

    /// <summary>Brings the database to the schema of this build. Idempotent and safe to call concurrently from many processes.</summary>
    public static Task ApplyAsync(string connectionString, ILogger? logger = null, CancellationToken ct = default) =>
        ApplyAsync(connectionString, Scripts, logger, ct);

    /// <summary>Applies the given scripts (ordered by name) instead of the embedded ones. Exposed for tests and tools.</summary>
    public static async Task ApplyAsync(string connectionString, IReadOnlyList<SchemaScript> scripts, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentNullException.ThrowIfNull(scripts);
        logger ??= NullLogger.Instance;
        var ordered = Order(scripts);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);

        // Step 1: make sure the history exists and check every recorded checksum before changing
        // anything, so a node built from edited scripts refuses to start without touching the schema.
        Dictionary<int, HistoryRow> history;
        await using (var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            await LockAsync(connection, tx, ct).ConfigureAwait(false);
            await ExecuteAsync(connection, tx,
                $"""
                CREATE TABLE IF NOT EXISTS {HistoryTable}
                (
                    version    integer     NOT NULL PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, ct).ConfigureAwait(false);
            history = await ReadHistoryAsync(connection, tx, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }

        foreach (var script in ordered)
        {
            if (history.TryGetValue(script.Version, out var row))
            {
                EnsureUnchanged(script, row);
            }
        }

        foreach (var unknown in history.Keys.Except(ordered.Select(s => s.Version)).Order())
        {
            logger.LogWarning(
                "Schema version {Version} ({Name}) is applied to the database but unknown to this build; a newer build migrated it.",
                unknown, history[unknown].Name);
        }

        // Step 2: each missing script in its own transaction. Re-read its history row under the lock:
        // another node may have applied it since step 1.
        var applied = 0;
        foreach (var script in ordered.Where(s => !history.ContainsKey(s.Version)))
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await LockAsync(connection, tx, ct).ConfigureAwait(false);
            var current = await ReadHistoryAsync(connection, tx, ct, script.Version).ConfigureAwait(false);
            if (current.TryGetValue(script.Version, out var row))
            {
                EnsureUnchanged(script, row);
                await tx.RollbackAsync(ct).ConfigureAwait(false);
                continue;
            }

            var started = TimeProvider.System.GetTimestamp();
            try
            {
                // No timeout: an index build on a big table may legitimately take long; ct cancels.
                await ExecuteAsync(connection, tx, script.Sql, ct, timeoutSeconds: 0).ConfigureAwait(false);
            }
            catch (PostgresException ex)
            {
                throw new SchemaMigrationException(
                    $"Schema script {script.Name} failed and was rolled back: {ex.MessageText} (SQLSTATE {ex.SqlState}" +
                    (ex.Position > 0 ? $", at character {ex.Position}" : "") + ").");
            }

            await using (var insert = new NpgsqlCommand(
                $"INSERT INTO {HistoryTable} (version, name, checksum) VALUES (@version, @name, @checksum)", connection, tx))
            {
                insert.Parameters.AddWithValue("version", script.Version);
                insert.Parameters.AddWithValue("name", script.Name);
                insert.Parameters.AddWithValue("checksum", script.Checksum);
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            applied++;
            logger.LogInformation("Applied schema script {Name} in {Elapsed} ms.",
                script.Name, (long)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        }

        if (applied == 0)
        {
            logger.LogDebug("Database schema is up to date ({Count} scripts).", ordered.Count);
        }
    }

    /// <summary>Parses the version from a script file name such as <c>0003_orleans_persistence.sql</c>.</summary>
    public static int ParseVersion(string fileName)
    {
        var underscore = fileName.IndexOf('_', StringComparison.Ordinal);
        if (underscore <= 0 || !int.TryParse(fileName.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version <= 0)
        {
            throw new SchemaMigrationException($"Schema script '{fileName}' must be named NNNN_description.sql with a positive number NNNN.");
        }

        return version;
    }

    private static List<SchemaScript> Order(IReadOnlyList<SchemaScript> scripts)
    {
        var ordered = scripts.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var duplicate = ordered.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new SchemaMigrationException(
                $"Schema version {duplicate.Key} is used by more than one script: {string.Join(", ", duplicate.Select(s => s.Name))}.");
        }

        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Version <= ordered[i - 1].Version)
            {
                throw new SchemaMigrationException(
                    $"Schema scripts must sort by name in version order: {ordered[i - 1].Name} comes before {ordered[i].Name}.");
            }
        }

        return ordered;
    }

    private static void EnsureUnchanged(SchemaScript script, HistoryRow row)
    {
        if (!string.Equals(row.Checksum, script.Checksum, StringComparison.OrdinalIgnoreCase))
        {
            throw new SchemaMigrationException(
                $"Schema script {script.Name} (version {script.Version}) was applied on {row.AppliedAt:u} as '{row.Name}' " +
                $"with checksum {row.Checksum}, but this build's copy has checksum {script.Checksum}. Applied scripts must " +
                "never change: restore the original text and put the change in a new script.");
        }
    }

    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, tx);
        command.Parameters.AddWithValue("key", AdvisoryLockKey);
        command.CommandTimeout = 0; // wait for whoever is migrating now; ct still cancels
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct, int? timeoutSeconds = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        if (timeoutSeconds is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<Dictionary<int, HistoryRow>> ReadHistoryAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, CancellationToken ct, int? version = null)
    {
        var sql = $"SELECT version, name, checksum, applied_at FROM {HistoryTable}" + (version is null ? "" : " WHERE version = @version");
        await using var command = new NpgsqlCommand(sql, connection, tx);
        if (version is { } v)
        {
            command.Parameters.AddWithValue("version", v);
        }

        var rows = new Dictionary<int, HistoryRow>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows[reader.GetInt32(0)] = new HistoryRow(reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
        }

        return rows;
    }

    private static IReadOnlyList<SchemaScript> LoadEmbeddedScripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[ResourcePrefix.Length..];
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new SchemaMigrationException($"Embedded resource {resource} cannot be read.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            scripts.Add(new SchemaScript(ParseVersion(name), name, reader.ReadToEnd()));
        }

        if (scripts.Count == 0)
        {
            throw new SchemaMigrationException($"No schema scripts are embedded in {assembly.GetName().Name} (expected resources named {ResourcePrefix}NNNN_name.sql).");
        }

        return Order(scripts);
    }

    private sealed record HistoryRow(string Name, string Checksum, DateTimeOffset AppliedAt);
}
