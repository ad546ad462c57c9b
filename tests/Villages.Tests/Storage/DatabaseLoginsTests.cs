using Npgsql;
using Villages.Tests.Infrastructure;
using static Villages.Tests.Storage.LocalPostgresTests;

namespace Villages.Tests.Storage;

/// <summary>
/// Least privilege in PostgreSQL, as a deployment sets it up: an owner login that silos migrate
/// with, and a runtime login (all a WebApi node gets) that reads and writes rows and nothing else.
/// </summary>
public sealed class DatabaseLoginsTests
{
    [Fact]
    public async Task Silos_migrate_as_the_owner_and_the_runtime_login_serves_every_node_but_changes_no_schema()
    {
        var server = await TestPostgres.GetServerAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (owner, runtime, database) = ($"owner_{suffix}", $"app_{suffix}", $"logins_{suffix}");
        var superuser = server.GetConnectionString("postgres") + ";Pooling=false";
        await ExecuteAsync(superuser, $"CREATE ROLE {owner} LOGIN PASSWORD 'owner-secret'");
        await ExecuteAsync(superuser, $"CREATE ROLE {runtime} LOGIN PASSWORD 'runtime-secret'");
        await ExecuteAsync(superuser, $"CREATE DATABASE {database} OWNER {owner}");
        var ownerLogin = Login(server.GetConnectionString(database), owner, "owner-secret");
        var runtimeLogin = Login(server.GetConnectionString(database), runtime, "runtime-secret");

        var siloSettings = ClusterNodes.Settings(runtimeLogin, "logins-" + suffix);
        siloSettings["ConnectionStrings:VillagesMigration"] = ownerLogin;
        var silo = await ClusterNodes.StartSiloAsync(siloSettings);
        try
        {
            // A WebApi node's share: the runtime login only, no migration login.
            var clientSettings = new Dictionary<string, string?>(siloSettings);
            clientSettings.Remove("ConnectionStrings:VillagesMigration");
            var enrolled = await ClusterNodes.WithClientAsync(clientSettings, async grains =>
            {
                var village = grains.GetGrain<IVillageGrain>(Workers.TestVillage(1));
                await village.SetProgram(new ProgramTerms(100, 20_160_000, 12, FundingSource.SD), TestActors.Operator);
                return await village.Enroll(Workers.Worker(), TestActors.Operator);
            });
            Assert.Equal(EnrollmentResult.Created, enrolled.Result);

            foreach (var ddl in new[] { "CREATE TABLE intruder (v text)", "DROP TABLE nik_registry", "ALTER TABLE orleansstorage ADD COLUMN x int", "TRUNCATE nik_history" })
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(runtimeLogin, ddl));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            }
            Assert.Equal(0L, await ScalarAsync<long>(ownerLogin,
                $"SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner <> '{owner}'"));
        }
        finally
        {
            await ClusterNodes.StopAsync(silo);
            TestPostgres.Release(ownerLogin);
            TestPostgres.Release(runtimeLogin);
        }
    }

    private static string Login(string connectionString, string user, string password) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = user, Password = password, MaxPoolSize = 20 }.ConnectionString;
}
