using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Villages.Registry;
using Villages.Silo.Postgres;
using Villages.Silo.Storage;
using static Villages.Tests.Storage.LocalPostgresTests;

namespace Villages.Tests.Storage;

/// <summary>
/// Registry claims wait for no WAL flush of their own: the enrolment's grain write, which commits
/// durably after them, flushes them too. On a server whose every WAL flush is made slow, claims stay
/// fast while a durable commit pays the delay.
/// </summary>
public sealed class RegistryCommitTests
{
    private const int FlushDelayMicroseconds = 100_000;

    [Fact]
    public async Task Claims_do_not_wait_for_a_WAL_flush_and_the_next_durable_commit_covers_them()
    {
        var options = new LocalPostgresOptions
        {
            DataDirectory = LocalPostgresTests.NewDirectory("registry-flush"), Database = "registry", SharedBuffersMegabytes = 32, SyncNewCluster = false,
        };
        await using var server = await LocalPostgres.StartAsync(options);
        await SchemaMigrator.ApplyAsync(server.ConnectionString, logger: null);
        // Every synchronous commit now sleeps 100 ms before its WAL flush (commit_siblings 0: even alone).
        await ExecuteAsync(server.ConnectionString, $"ALTER SYSTEM SET commit_delay = {FlushDelayMicroseconds}");
        await ExecuteAsync(server.ConnectionString, "ALTER SYSTEM SET commit_siblings = 0");
        await ExecuteAsync(server.ConnectionString, "SELECT pg_reload_conf()");
        await Task.Delay(300);

        var durable = Stopwatch.StartNew();
        await ExecuteAsync(server.ConnectionString, "CREATE TABLE flushed (v int); INSERT INTO flushed VALUES (1)");
        Assert.True(durable.ElapsedMilliseconds >= FlushDelayMicroseconds / 1000, $"A durable commit took {durable.ElapsedMilliseconds} ms: the slow flush is not in effect.");

        await using var registry = new NikRegistry(server.ConnectionString, "villages", NullLogger<NikRegistry>.Instance);
        await registry.ClaimAsync(Key(0), "35.10.01.2001"); // opens the claims' connection
        const int claims = 20;
        var clock = Stopwatch.StartNew();
        for (var i = 1; i <= claims; i++)
        {
            Assert.True((await registry.ClaimAsync(Key(i), "35.10.01.2001")).Granted);
        }
        clock.Stop();
        var insertedUpTo = await ScalarAsync<string>(server.ConnectionString, "SELECT pg_current_wal_insert_lsn()::text");
        // As many durable commits one after another, on the same loaded machine: at least 20 x 100 ms.
        var commits = Stopwatch.StartNew();
        for (var i = 0; i < claims; i++) await ExecuteAsync(server.ConnectionString, "INSERT INTO flushed VALUES (3)");
        commits.Stop();

        // Claims that each waited for a flush would take as long as the commits.
        Assert.True(clock.ElapsedMilliseconds < commits.ElapsedMilliseconds * 0.6,
            $"{claims} claims one after another took {clock.ElapsedMilliseconds} ms, {claims} durable commits {commits.ElapsedMilliseconds} ms: the claims wait for WAL flushes.");

        // A durable commit (the grain write that follows claims) leaves the claims' WAL flushed.
        await ExecuteAsync(server.ConnectionString, "INSERT INTO flushed VALUES (2)");
        Assert.True(await ScalarAsync<bool>(server.ConnectionString, $"SELECT pg_current_wal_flush_lsn() >= '{insertedUpTo}'::pg_lsn"),
            "A durable commit after the claims did not flush their WAL.");
        Assert.Equal(claims + 1, await ScalarAsync<long>(server.ConnectionString, "SELECT count(*) FROM nik_registry WHERE village_code = '35.10.01.2001'"));
    }

    private static string Key(int i) => System.Buffers.Text.Base64Url.EncodeToString(new Guid(i, 7, 7, new byte[8]).ToByteArray()); // 16 bytes, as a keyed hash is
}
