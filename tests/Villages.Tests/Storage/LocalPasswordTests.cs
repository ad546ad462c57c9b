using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Villages.Silo.Postgres;
using Villages.Tests.Infrastructure;
using static Villages.Tests.Storage.LocalPostgresTests;

namespace Villages.Tests.Storage;

/// <summary>
/// The local database of the default run as an attacker on the same machine meets it: every login,
/// the superuser's first, needs the password kept 0600 beside it, and a cluster kept by the previous
/// version (trusting local connections, no password) is switched when it starts again.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPasswordTests
{
    [Fact]
    public async Task A_new_cluster_asks_every_connection_for_the_password_kept_0600()
    {
        var options = Options("new");
        await using var server = await LocalPostgres.StartAsync(options);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.PasswordFile));
        Assert.Equal(1, await ScalarAsync<int>(server.ConnectionString, "SELECT 1"));
        await AssertRefusedWithoutPasswordAsync(server);
        Assert.Equal("SCRAM-SHA-256", (await ScalarAsync<string>(server.ConnectionString, "SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'"))[..13]);
    }

    [Fact]
    public async Task A_cluster_of_the_previous_version_that_trusted_local_connections_starts_and_is_switched_to_passwords()
    {
        var options = Options("upgrade");
        await using (var server = await LocalPostgres.StartAsync(options))
        {
            await ExecuteAsync(server.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('from the previous version'); ALTER ROLE postgres PASSWORD NULL");
            // What the previous version left: initdb's trust rules and no password file.
            await File.WriteAllTextAsync(Path.Combine(server.DataDirectory, "pg_hba.conf"),
                "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n");
            File.Delete(server.PasswordFile);
        }

        await using var again = await LocalPostgres.StartAsync(options);

        Assert.True(File.Exists(again.PasswordFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(again.PasswordFile));
        Assert.Equal("from the previous version", await ScalarAsync<string>(again.ConnectionString, "SELECT v FROM kept"));
        await AssertRefusedWithoutPasswordAsync(again);
    }

    [Fact]
    public async Task The_local_database_starts_only_in_development_unless_enabled_and_keeps_its_folder_private()
    {
        var folder = LocalPostgresTests.NewDirectory("data");
        var production = new HostingEnvironment { EnvironmentName = "Production", ContentRootPath = TestPostgres.RootDirectory };
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalDatabase.EnsureAsync(Configuration(folder), production, NullLogger.Instance));
        Assert.Contains("Villages:LocalDatabase:Enabled", refused.Message);
        Assert.False(Directory.Exists(folder));

        var configuration = Configuration(folder, ("Villages:LocalDatabase:Enabled", "true"));
        await using (await LocalDatabase.EnsureAsync(configuration, production, NullLogger.Instance))
        {
            // 0700; as root the postgres user may pass through (0710) to reach its data directory inside.
            var owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            Assert.Equal(Environment.IsPrivilegedProcess ? owner | UnixFileMode.GroupExecute : owner, File.GetUnixFileMode(folder));
            foreach (var secret in new[] { "privacy-secret", "postgres-password" })
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, secret)));
            }
            Assert.Equal(1, await ScalarAsync<int>(configuration.GetConnectionString("Villages")!, "SELECT 1"));
        }
    }

    private static ConfigurationManager Configuration(string folder, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationManager();
        configuration["Villages:LocalDatabase:Directory"] = folder;
        foreach (var (key, value) in settings) configuration[key] = value;
        return configuration;
    }

    private static LocalPostgresOptions Options(string name) =>
        new() { DataDirectory = LocalPostgresTests.NewDirectory(name), Database = "app", SharedBuffersMegabytes = 32, SyncNewCluster = false };

    private static async Task AssertRefusedWithoutPasswordAsync(LocalPostgres server)
    {
        foreach (var password in new string?[] { null, "guess" })
        {
            var attempt = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = password, Pooling = false }.ConnectionString;
            var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<int>(attempt, "SELECT 1"));
            Assert.True(refused is PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } || refused.Message.Contains("password", StringComparison.OrdinalIgnoreCase), refused.Message);
        }
    }
}
