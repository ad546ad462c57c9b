using System.Globalization;
using Npgsql;

namespace Villages.Bench.National;

/// <summary>
/// How much the service's database holds, read over a connection of the bench's own: the database
/// (pg_database_size), grain state (orleansstorage) and the NIK registry (nik_registry), each
/// pg_total_relation_size (heap, TOAST and indexes); the WAL directory when the role may list it.
/// </summary>
public sealed record DatabaseSize(long Database, long OrleansStorage, long NikRegistry, long StorageRows, long RegistryRows, long? Wal)
{
    public static async Task<DatabaseSize> ReadAsync(string connectionString, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 300 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT pg_database_size(current_database()),
                   coalesce(pg_total_relation_size(to_regclass('orleansstorage')), 0),
                   coalesce(pg_total_relation_size(to_regclass('nik_registry')), 0),
                   (SELECT count(*) FROM orleansstorage),
                   (SELECT count(*) FROM nik_registry)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (database, storage, registry, storageRows, registryRows) =
            (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        await reader.DisposeAsync();
        long? wal = null;
        try
        {
            // superuser or pg_monitor only
            await using var walCommand = new NpgsqlCommand("SELECT coalesce(sum(size), 0)::bigint FROM pg_ls_waldir()", connection);
            wal = (long)(await walCommand.ExecuteScalarAsync(ct))!;
        }
        catch (PostgresException)
        {
            // not allowed: the WAL is not shown
        }
        return new DatabaseSize(database, storage, registry, storageRows, registryRows, wal);
    }

    /// <summary>The postmaster's pid when the server runs on this machine (the parent of our backend), else null.</summary>
    public static async Task<int?> LocalPostmasterAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
            var backend = (int)(await command.ExecuteScalarAsync(ct))!;
            var stat = await File.ReadAllTextAsync($"/proc/{backend}/stat", ct);
            var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], NumberStyles.None, CultureInfo.InvariantCulture);
            var comm = (await File.ReadAllTextAsync($"/proc/{ppid}/comm", ct)).Trim();
            return comm is "postgres" or "postmaster" ? ppid : null;   // another pid namespace (a container) or another machine
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or NpgsqlException)
        {
            return null;
        }
    }
}
