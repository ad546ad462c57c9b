using System.Globalization;
using Npgsql;
using Villages.Silo.Storage;
using Villages.Silo.Postgres;
using Villages.Tests.Infrastructure;
using Xunit;

namespace Villages.Tests.Storage;

/// <summary>Each test here runs its own extra server next to the shared one of <see cref="TestPostgres"/>.</summary>
public sealed class LocalPostgresTests
{
    [Fact]
    public async Task A_restart_reuses_the_cluster_even_after_a_crash_left_a_stale_postmaster_pid()
    {
        var dataDirectory = NewDirectory("reuse");
        var options = new LocalPostgresOptions { DataDirectory = dataDirectory, Database = "app", SharedBuffersMegabytes = 32, SyncNewCluster = false };

        string effective;
        await using (var first = await LocalPostgres.StartAsync(options))
        {
            effective = first.DataDirectory;
            Assert.True(first.OwnsServer);
            await ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives restarts')");
            Assert.Equal("127.0.0.1", await ScalarAsync<string>(first.ConnectionString, "SELECT host(inet_server_addr())"));
            Assert.Equal("on", await ScalarAsync<string>(first.ConnectionString, "SHOW fsync"));
            Assert.Equal("on", await ScalarAsync<string>(first.ConnectionString, "SHOW synchronous_commit"));
            Assert.Equal("300", await ScalarAsync<string>(first.ConnectionString, "SHOW max_connections"));
        }

        // After a crash, postmaster.pid survives and its PID may belong to some other program by now:
        // here, this test process.
        await File.WriteAllTextAsync(Path.Combine(effective, "postmaster.pid"), string.Join('\n',
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture), effective, "1700000000", "5432", "/tmp", "127.0.0.1", "        0         0", "ready", ""));

        await WithServer(options, async second =>
        {
            Assert.Equal("survives restarts", await ScalarAsync<string>(second.ConnectionString, "SELECT v FROM kept"));
            return 0;
        });
    }

    [Fact]
    public async Task A_second_start_on_a_running_cluster_adopts_it_without_stopping_it()
    {
        var options = new LocalPostgresOptions { DataDirectory = NewDirectory("adopt"), Database = "app", SharedBuffersMegabytes = 32, SyncNewCluster = false };
        await using var owner = await LocalPostgres.StartAsync(options);

        await using (var guest = await LocalPostgres.StartAsync(options))
        {
            Assert.False(guest.OwnsServer);
            Assert.Equal(owner.Port, guest.Port);
        }

        Assert.Equal(1, await ScalarAsync<int>(owner.ConnectionString, "SELECT 1"));
    }

    [Fact]
    public async Task As_root_a_directory_the_server_user_cannot_reach_falls_back_to_var_tmp()
    {
        if (!Environment.IsPrivilegedProcess || !OperatingSystem.IsLinux())
        {
            return; // Only root needs the postgres user, and only then can a directory be out of its reach.
        }

        var privateParent = NewDirectory("private");
        Directory.CreateDirectory(privateParent);
        File.SetUnixFileMode(privateParent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = new LocalPostgresOptions { DataDirectory = Path.Combine(privateParent, "pg"), SharedBuffersMegabytes = 32, SyncNewCluster = false };

        string? fallback = null;
        try
        {
            fallback = await WithServer(options, async server =>
            {
                Assert.StartsWith("/var/tmp/villages-pg/", server.DataDirectory, StringComparison.Ordinal);
                Assert.Equal(options.DataDirectory, server.RequestedDataDirectory);
                Assert.Equal(1, await ScalarAsync<int>(server.ConnectionString, "SELECT 1"));
                return server.DataDirectory;
            });

            // The same request finds the same cluster again.
            Assert.Equal(fallback, await WithServer(options, s => Task.FromResult(s.DataDirectory)));
        }
        finally
        {
            if (fallback is not null)
            {
                Directory.Delete(fallback, recursive: true);
                Directory.Delete(fallback + ".sock", recursive: true);
            }
        }
    }

    [Fact]
    public async Task The_migration_service_waits_for_a_server_that_comes_up_later()
    {
        var port = Ports.Next();
        var dataDirectory = NewDirectory("late");
        // The password the server will be given, known before it exists.
        Directory.CreateDirectory(TestPostgres.RootDirectory);
        var password = Villages.Silo.Configuration.SecretFile.ReadOrCreate(dataDirectory + "-password", () => "late-password");
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = "postgres", Password = password, Database = "late", Timeout = 2,
        }.ConnectionString;
        var migration = new SchemaMigrationService(connectionString, maxWait: TimeSpan.FromSeconds(60)).StartingAsync(CancellationToken.None);

        await Task.Delay(500);
        Assert.False(migration.IsCompleted);
        await WithServer(new LocalPostgresOptions { DataDirectory = dataDirectory, Database = "late", Port = port, SharedBuffersMegabytes = 32, SyncNewCluster = false }, async server =>
        {
            await migration.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(SchemaMigrator.Scripts.Count, await ScalarAsync<long>(server.ConnectionString, "SELECT count(*) FROM villages_schema_history"));
            return 0;
        });
    }

    internal static string NewDirectory(string name) =>
        Path.Combine(TestPostgres.RootDirectory, "local-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);

    private static async Task<T> WithServer<T>(LocalPostgresOptions options, Func<LocalPostgres, Task<T>> use)
    {
        await using var server = await LocalPostgres.StartAsync(options);
        return await use(server);
    }

    internal static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
