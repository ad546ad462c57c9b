using Npgsql;
using Villages.Silo.Storage;
using Villages.Silo.Postgres;
using Villages.Tests.Infrastructure;
using Xunit;

namespace Villages.Tests.Storage;

public sealed class SchemaMigratorTests
{
    [Fact]
    public void Embedded_scripts_are_found_in_version_order()
    {
        var scripts = SchemaMigrator.Scripts;

        Assert.Equal(["0001_orleans_query.sql", "0002_orleans_clustering.sql", "0003_orleans_persistence.sql"], scripts.Take(3).Select(s => s.Name));
        Assert.Equal(scripts.Select(s => s.Version).Order(), scripts.Select(s => s.Version));
        Assert.All(scripts, s => Assert.Matches("^[0-9a-f]{64}$", s.Checksum));
    }

    [Fact]
    public void Line_endings_do_not_change_the_checksum()
    {
        var unix = new SchemaScript(1, "0001_x.sql", "SELECT 1;\nSELECT 2;\n");
        var windows = new SchemaScript(1, "0001_x.sql", "SELECT 1;\r\nSELECT 2;\r\n");

        Assert.Equal(unix.Checksum, windows.Checksum);
        Assert.Equal(unix.Checksum, (unix with { Sql = "SELECT 1;\r\nSELECT 2;\r\n" }).Checksum);
        Assert.NotEqual(unix.Checksum, (unix with { Sql = "SELECT 1;" }).Checksum);
    }

    [Fact]
    public async Task Applying_twice_records_every_version_once_and_changes_nothing_the_second_time()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("migrate_twice", migrate: false);

        await SchemaMigrator.ApplyAsync(connectionString);
        var first = await ReadHistoryAsync(connectionString);
        await SchemaMigrator.ApplyAsync(connectionString);
        var second = await ReadHistoryAsync(connectionString);

        Assert.Equal(SchemaMigrator.Scripts.Select(s => (s.Version, s.Name, s.Checksum)), first.Select(r => (r.Version, r.Name, r.Checksum)));
        Assert.Equal(first, second);
        Assert.Equal(13L, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM orleansquery"));
    }

    [Fact]
    public async Task Concurrent_callers_apply_each_script_exactly_once()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("migrate_race", migrate: false);
        var counting = SchemaMigrator.Scripts
            .Append(new SchemaScript(9001, "9001_count_runs.sql",
                "CREATE TABLE IF NOT EXISTS migration_runs (n int); INSERT INTO migration_runs VALUES (1);"))
            .ToList();

        using var start = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 8)
            .Select(_ => Task.Run(async () =>
            {
                start.Wait();
                await SchemaMigrator.ApplyAsync(connectionString, counting);
            }))
            .ToList();
        start.Set();
        await Task.WhenAll(callers);

        Assert.Equal(1L, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM migration_runs"));
        Assert.Equal(counting.Select(s => s.Version), (await ReadHistoryAsync(connectionString)).Select(r => r.Version));
    }

    [Fact]
    public async Task A_changed_script_is_refused_before_anything_else_runs()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("migrate_changed", migrate: false);
        await SchemaMigrator.ApplyAsync(connectionString);

        var edited = SchemaMigrator.Scripts
            .Select(s => s.Version == 2 ? s with { Sql = s.Sql + "\n-- an innocent-looking edit\n" } : s)
            .Append(new SchemaScript(9002, "9002_must_not_run.sql", "CREATE TABLE must_not_exist (n int);"))
            .ToList();

        var error = await Assert.ThrowsAsync<SchemaMigrationException>(() => SchemaMigrator.ApplyAsync(connectionString, edited));

        Assert.Contains("0002_orleans_clustering.sql", error.Message, StringComparison.Ordinal);
        Assert.Contains("never change", error.Message, StringComparison.Ordinal);
        Assert.Null(await ScalarAsync<string>(connectionString, "SELECT to_regclass('must_not_exist')::text"));
    }

    [Fact]
    public async Task A_failing_script_leaves_no_trace_and_names_itself()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("migrate_failing", migrate: false);
        var broken = SchemaMigrator.Scripts
            .Append(new SchemaScript(9003, "9003_broken.sql", "CREATE TABLE half_done (n int); SELECT no_such_function();"))
            .ToList();

        var error = await Assert.ThrowsAsync<SchemaMigrationException>(() => SchemaMigrator.ApplyAsync(connectionString, broken));

        Assert.Contains("9003_broken.sql", error.Message, StringComparison.Ordinal);
        Assert.Null(await ScalarAsync<string>(connectionString, "SELECT to_regclass('half_done')::text"));
        Assert.DoesNotContain(9003, (await ReadHistoryAsync(connectionString)).Select(r => r.Version));
        Assert.Contains(3, (await ReadHistoryAsync(connectionString)).Select(r => r.Version));
    }

    [Fact]
    public async Task Versions_applied_by_a_newer_build_are_tolerated()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("migrate_newer", migrate: false);
        var newer = SchemaMigrator.Scripts.Append(new SchemaScript(9004, "9004_from_the_future.sql", "SELECT 1;")).ToList();
        await SchemaMigrator.ApplyAsync(connectionString, newer);

        await SchemaMigrator.ApplyAsync(connectionString);

        Assert.Contains(9004, (await ReadHistoryAsync(connectionString)).Select(r => r.Version));
    }

    [Fact]
    public async Task The_hosted_service_gives_up_on_an_unreachable_server_with_a_clear_error()
    {
        var database = await TestPostgres.CreateDatabaseAsync("migrate_unreachable", migrate: false);
        var unreachable = new NpgsqlConnectionStringBuilder(database) { Port = 1, Timeout = 1 }.ConnectionString;

        var service = new SchemaMigrationService(unreachable, maxWait: TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<SchemaMigrationException>(() => service.StartingAsync(CancellationToken.None));

        Assert.Contains("not reachable", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<(int Version, string Name, string Checksum, DateTime AppliedAt)>> ReadHistoryAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version, name, checksum, applied_at FROM villages_schema_history ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, string, string, DateTime)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetDateTime(3)));
        }

        return rows;
    }

    private static async Task<T?> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }
}
