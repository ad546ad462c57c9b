using Npgsql;

namespace Villages.Silo.Storage;

/// <summary>
/// Two logins: the migration login owns the schema and applies the scripts; the runtime login the
/// nodes work with may only read and write rows and call the stored functions. A node without the
/// migration login (a WebApi node) only waits until the schema is this build's.
/// </summary>
public static partial class SchemaMigrator
{
    /// <summary>
    /// Gives <paramref name="runtimeLogin"/> what the service needs on every table and function of the
    /// schema, and nothing more: no CREATE, no ownership. Run after every migration, so a new script's
    /// tables are covered on the start that applies it.
    /// </summary>
    public static async Task GrantRuntimeAsync(string migrationConnectionString, string runtimeLogin, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runtimeLogin);
        await using var connection = new NpgsqlConnection(migrationConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await LockAsync(connection, tx, ct).ConfigureAwait(false);
        string schema;
        await using (var current = new NpgsqlCommand("SELECT current_schema()", connection, tx))
        {
            schema = (string?)await current.ExecuteScalarAsync(ct).ConfigureAwait(false)
                ?? throw new SchemaMigrationException("The migration login has no current schema (search_path).");
        }
        var (s, role) = (Quote(schema), Quote(runtimeLogin));
        await ExecuteAsync(connection, tx,
            $"""
            GRANT USAGE ON SCHEMA {s} TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {role};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {role};
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {s} TO {role};
            """, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether every script of this build is applied, unchanged (read with the runtime login). False
    /// while nothing is applied yet; a changed script stops the node as it would a migration.
    /// </summary>
    public static async Task<bool> IsCurrentAsync(string connectionString, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        Dictionary<int, HistoryRow> history;
        try
        {
            history = await ReadHistoryAsync(connection, null, ct).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return false;
        }
        foreach (var script in Scripts)
        {
            if (!history.TryGetValue(script.Version, out var row)) return false;
            EnsureUnchanged(script, row);
        }
        return true;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
