using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;
using Villages.Silo.Storage;

namespace Villages.Tests.Storage;

/// <summary>
/// Group commit: many grains' writes in one transaction, each with its own version check, in rows
/// the ADO.NET provider reads back as its own.
/// </summary>
public sealed class GroupCommitStorageTests(OrleansAdoNetSilo cluster) : IClassFixture<OrleansAdoNetSilo>
{
    private IGrainStorage Provider => cluster.Silo.Services.GetRequiredKeyedService<IGrainStorage>(OrleansAdoNetSilo.StorageName);

    private GroupCommitStorage Storage(int flushes = 1) => new(Provider, cluster.ConnectionString, OrleansAdoNetSilo.ServiceId,
        cluster.Silo.Services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(OrleansAdoNetSilo.StorageName).GrainStorageSerializer,
        new GroupCommitOptions { ConcurrentFlushes = flushes }, NullLogger<GroupCommitStorage>.Instance);

    [Fact]
    public async Task Writes_of_many_grains_share_transactions_and_read_back_through_the_provider()
    {
        await using var storage = Storage();
        var grains = Enumerable.Range(0, 200).Select(i => GrainId.Create("village", $"35.10.99.{i:0000}")).ToList();
        var before = await CommitsAsync();

        await Task.WhenAll(grains.Select(g => storage.WriteStateAsync("village", g, new GrainState<string>($"state of {g.Key}"))));

        var commits = await CommitsAsync() - before;
        Assert.True(commits < grains.Count / 4, $"{grains.Count} writes took {commits} transactions");
        foreach (var g in grains.Take(5))
        {
            var read = new GrainState<string>();
            await Provider.ReadStateAsync("village", g, read);
            Assert.Equal((true, "1", $"state of {g.Key}"), (read.RecordExists, read.ETag, read.State));
        }
    }

    [Fact]
    public async Task A_stale_version_fails_only_its_own_write()
    {
        await using var storage = Storage();
        var stale = GrainId.Create("village", "35.10.98.0001");
        await storage.WriteStateAsync("village", stale, new GrainState<string>("first"));
        var others = Enumerable.Range(0, 50).Select(i => GrainId.Create("village", $"35.10.98.{i + 2:0000}")).ToList();

        var writes = others.Select(g => storage.WriteStateAsync("village", g, new GrainState<string>("fresh"))).ToList();
        var conflict = storage.WriteStateAsync("village", stale, new GrainState<string>("second, unseen") { ETag = null });

        await Assert.ThrowsAsync<InconsistentStateException>(() => conflict);
        await Task.WhenAll(writes);
        var kept = new GrainState<string>();
        await Provider.ReadStateAsync("village", stale, kept);
        Assert.Equal(("first", "1"), (kept.State, kept.ETag));
        var next = new GrainState<string>("second") { ETag = "1" };
        await storage.WriteStateAsync("village", stale, next);
        Assert.Equal("2", next.ETag);
    }

    [Fact]
    public async Task Guid_keyed_rows_are_the_providers_rows()
    {
        await using var storage = Storage(flushes: 2);
        var job = GrainId.Create("import", Guid.NewGuid().ToString("N"));
        var written = new GrainState<string>("header");
        await storage.WriteStateAsync("import", job, written);

        var read = new GrainState<string>();
        await Provider.ReadStateAsync("import", job, read);
        Assert.Equal(("header", written.ETag), (read.State, read.ETag));
    }

    private async Task<long> CommitsAsync()
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_stat_force_next_flush(); SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0);
    }
}
