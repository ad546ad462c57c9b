using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService;
using Orleans.Serialization;
using Orleans.Storage;
using Villages.Silo.Storage;
using Villages.Silo.Postgres;
using Villages.Tests.Infrastructure;
using Xunit;

namespace Villages.Tests.Storage;

/// <summary>
/// Proves that our SQL (Grains/Storage/Sql) satisfies the real Orleans ADO.NET providers: a silo
/// clusters through it, grains persist through it, a client finds the gateway through it.
/// </summary>
public sealed class OrleansAdoNetContractTests(OrleansAdoNetSilo cluster) : IClassFixture<OrleansAdoNetSilo>
{
    private IGrainStorage Storage => cluster.Silo.Services.GetRequiredKeyedService<IGrainStorage>(OrleansAdoNetSilo.StorageName);

    [Fact]
    public async Task The_silo_joins_and_is_listed_as_active()
    {
        await using var connection = await cluster.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT m.status, m.address, m.proxyport, v.version
              FROM orleansmembershiptable m
              JOIN orleansmembershipversiontable v USING (deploymentid)
             WHERE m.deploymentid = @cluster
            """, connection);
        command.Parameters.AddWithValue("cluster", cluster.ClusterId);
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal((int)SiloStatus.Active, reader.GetInt32(0));
        Assert.Equal("127.0.0.1", reader.GetString(1));
        Assert.Equal(cluster.GatewayPort, reader.GetInt32(2));
        Assert.True(reader.GetInt32(3) >= 2, "joining and becoming active each bump the table version");
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task A_grain_writes_reads_back_after_deactivation_and_clears()
    {
        var grain = cluster.Silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IContractStateGrain>("village-3201010001");

        await grain.SetValue("Cibanteng");
        var before = await grain.Read();
        await grain.Deactivate();
        var after = await ReadFromNewActivationAsync(grain, before.Activation);

        Assert.Equal(new ContractSnapshot("Cibanteng", "1", true, after.Activation), after);
        Assert.Equal((1, true), await cluster.StoredRowAsync("contract", "village-3201010001"));

        await grain.ClearValue();
        await grain.Deactivate();
        var cleared = await ReadFromNewActivationAsync(grain, after.Activation);

        Assert.Null(cleared.Value);
        Assert.False(cleared.RecordExists);
        Assert.Equal("2", cleared.ETag);
        Assert.Equal((2, false), await cluster.StoredRowAsync("contract", "village-3201010001"));

        await grain.SetValue("written again after a clear");
        Assert.Equal((3, true), await cluster.StoredRowAsync("contract", "village-3201010001"));
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused()
    {
        var id = GrainId.Create("contract", "stale-etag");
        var first = new GrainState<ContractState>(new ContractState { Value = "v1" });
        await Storage.WriteStateAsync("contract", id, first);
        var stale = new GrainState<ContractState>(new ContractState { Value = "stale" }, first.ETag);
        first.State = new ContractState { Value = "v2" };
        await Storage.WriteStateAsync("contract", id, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("contract", id, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync("contract", id, stale));

        var read = new GrainState<ContractState>();
        await Storage.ReadStateAsync("contract", id, read);
        Assert.Equal(("v2", "2", true), (read.State?.Value, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task A_first_write_without_etag_is_refused_when_the_row_exists()
    {
        var id = GrainId.Create("contract", "claimed-once");
        var owner = new GrainState<ContractState>(new ContractState { Value = "first" });
        await Storage.WriteStateAsync("contract", id, owner);
        Assert.Equal("1", owner.ETag);

        var latecomer = new GrainState<ContractState>(new ContractState { Value = "second" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("contract", id, latecomer));

        // A cleared row still exists (payload gone, version kept), so the key stays claimed.
        await Storage.ClearStateAsync("contract", id, owner);
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Storage.WriteStateAsync("contract", id, new GrainState<ContractState>(new ContractState { Value = "third" })));
    }

    [Fact]
    public async Task Concurrent_first_writes_have_exactly_one_winner()
    {
        var id = GrainId.Create("contract", "race-" + Guid.NewGuid().ToString("N"));
        var attempts = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await Storage.WriteStateAsync("contract", id, new GrainState<ContractState>(new ContractState { Value = $"writer {i}" }));
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));

        Assert.Single(attempts, won => won);
        Assert.Equal((1, true), await cluster.StoredRowAsync("contract", id.Key.ToString()));
    }

    [Fact]
    public async Task Delete_on_clear_removes_the_row_so_the_key_can_be_claimed_again()
    {
        var deleting = cluster.Silo.Services.GetRequiredKeyedService<IGrainStorage>(OrleansAdoNetSilo.DeletingStorageName);
        var id = GrainId.Create("contract", "deleted-on-clear");
        var state = new GrainState<ContractState>(new ContractState { Value = "temporary" });
        await deleting.WriteStateAsync("deleting", id, state);

        var stale = new GrainState<ContractState>(new ContractState(), "7") { RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => deleting.ClearStateAsync("deleting", id, stale));

        await deleting.ClearStateAsync("deleting", id, state);
        Assert.Null(state.ETag);
        Assert.Null(await cluster.StoredRowAsync("deleting", "deleted-on-clear"));

        var again = new GrainState<ContractState>(new ContractState { Value = "claimed again" });
        await deleting.WriteStateAsync("deleting", id, again);
        Assert.Equal("1", again.ETag);
    }

    [Fact]
    public async Task Reading_a_missing_state_gives_a_fresh_state_without_etag()
    {
        var read = new GrainState<ContractState>();
        await Storage.ReadStateAsync("contract", GrainId.Create("contract", "never-written"), read);

        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);
        Assert.NotNull(read.State);
        Assert.Null(read.State.Value);
    }

    [Fact]
    public async Task Integer_guid_and_string_keys_and_state_names_are_kept_apart()
    {
        var guid = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");
        GrainId[] ids =
        [
            GrainId.Create(GrainType.Create("contract"), GrainIdKeyExtensions.CreateIntegerKey(42)),
            GrainId.Create(GrainType.Create("contract"), GrainIdKeyExtensions.CreateIntegerKey(42, "ext")),
            GrainId.Create(GrainType.Create("contract"), GrainIdKeyExtensions.CreateGuidKey(guid)),
            GrainId.Create(GrainType.Create("contract"), GrainIdKeyExtensions.CreateGuidKey(guid, "ext")),
            GrainId.Create("contract", "42"),
        ];

        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            foreach (var stateName in new[] { "keys-a", "keys-b" })
            {
                var state = new GrainState<ContractState>(new ContractState { Value = $"{stateName}:{i}" });
                await Storage.WriteStateAsync(stateName, id, state);
                Assert.Equal("1", state.ETag);
            }
        }

        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            foreach (var stateName in new[] { "keys-a", "keys-b" })
            {
                var read = new GrainState<ContractState>();
                await Storage.ReadStateAsync(stateName, id, read);
                Assert.Equal($"{stateName}:{i}", read.State?.Value);
            }
        }
    }

    [Fact]
    public async Task A_client_finds_the_gateway_through_the_membership_table()
    {
        var client = cluster.Client.Services.GetRequiredService<IClusterClient>();
        var grain = client.GetGrain<IContractStateGrain>("from-the-client");

        await grain.SetValue("hello from a client");

        Assert.Equal("hello from a client", (await grain.Read()).Value);
    }

    [Fact]
    public async Task The_membership_queries_follow_the_table_version_protocol()
    {
        // A second, fake cluster in the same tables, driven through the provider's own table class.
        var ct = CancellationToken.None;
        var clusterId = "protocol-" + Guid.NewGuid().ToString("N")[..8];
        var table = NewClusteringTable(clusterId);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, ct);

        var empty = await table.ReadAllAsync(ct);
        Assert.Equal(0, empty.Version.Version);
        Assert.Empty(empty.Members);

        var now = DateTime.UtcNow;
        var silo = SiloAddress.New(IPAddress.Loopback, 11111, 7);
        var entry = new MembershipEntry
        {
            SiloAddress = silo, SiloName = "silo-a", HostName = "host-a", Status = SiloStatus.Joining,
            ProxyPort = 30000, StartTime = now, IAmAliveTime = now,
        };
        Assert.True(await table.InsertRowAsync(entry, empty.Version.Next(), ct));
        Assert.False(await table.InsertRowAsync(entry, empty.Version.Next(), ct), "a stale table version must be refused");

        var afterInsert = await table.ReadRowAsync(silo, ct);
        Assert.Equal(1, afterInsert.Version.Version);
        var (stored, etag) = Assert.Single(afterInsert.Members);
        Assert.Equal((silo, "silo-a", "host-a", SiloStatus.Joining, 30000), (stored.SiloAddress, stored.SiloName, stored.HostName, stored.Status, stored.ProxyPort));
        Assert.Equal(DateTimeKind.Utc, stored.StartTime.Kind);
        Assert.True(Math.Abs((stored.StartTime - now).TotalMilliseconds) < 1);

        var suspect = SiloAddress.New(IPAddress.Loopback, 22222, 3);
        entry.Status = SiloStatus.Active;
        entry.SuspectTimes = [Tuple.Create(suspect, now)];
        Assert.True(await table.UpdateRowAsync(entry, etag, afterInsert.Version.Next(), ct));
        Assert.False(await table.UpdateRowAsync(entry, etag, afterInsert.Version.Next(), ct), "a stale table version must be refused");

        await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = silo, IAmAliveTime = now.AddMinutes(1) }, ct);
        var afterUpdate = await table.ReadAllAsync(ct);
        Assert.Equal(2, afterUpdate.Version.Version);
        var (active, activeEtag) = Assert.Single(afterUpdate.Members);
        Assert.Equal(afterUpdate.Version.VersionEtag, activeEtag); // 10.x: a row's etag is the table version it was read with
        Assert.Equal(SiloStatus.Active, active.Status);
        Assert.Equal(suspect, Assert.Single(active.SuspectTimes ?? []).Item1);
        Assert.True(Math.Abs((active.IAmAliveTime - now.AddMinutes(1)).TotalMilliseconds) < 1);

        var otherSilo = (await table.ReadRowAsync(SiloAddress.New(IPAddress.Loopback, 11111, 8), ct)).Members;
        Assert.Empty(otherSilo);

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(1), ct);
        Assert.Single((await table.ReadAllAsync(ct)).Members); // active silos are never cleaned up

        entry.Status = SiloStatus.Dead;
        Assert.False(await table.UpdateRowAsync(entry, etag, afterUpdate.Version.Next(), ct), "an etag from an older read must be refused");
        Assert.True(await table.UpdateRowAsync(entry, activeEtag, afterUpdate.Version.Next(), ct));
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(1), ct);
        Assert.Empty((await table.ReadAllAsync(ct)).Members);

        await table.DeleteMembershipTableEntriesAsync(clusterId, ct);
        await using var connection = await cluster.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM orleansmembershipversiontable WHERE deploymentid = @c", connection);
        count.Parameters.AddWithValue("c", clusterId);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Of_concurrent_membership_writes_holding_one_version_exactly_one_wins()
    {
        var ct = CancellationToken.None;
        var table = NewClusteringTable("race-" + Guid.NewGuid().ToString("N")[..8]);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, ct);
        var version = (await table.ReadAllAsync(ct)).Version;

        var now = DateTime.UtcNow;
        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(() => table.InsertRowAsync(new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, 20000 + i, 1), SiloName = $"silo-{i}", HostName = "host",
            Status = SiloStatus.Joining, ProxyPort = 0, StartTime = now, IAmAliveTime = now,
        }, version.Next(), ct))));

        Assert.Single(results, inserted => inserted);
        var after = await table.ReadAllAsync(ct);
        Assert.Equal(1, after.Version.Version);
        Assert.Single(after.Members);
    }

    private AdoNetClusteringTable NewClusteringTable(string clusterId) => new(
        cluster.Silo.Services,
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = OrleansAdoNetSilo.ServiceId }),
        Options.Create(new AdoNetClusteringSiloOptions { Invariant = "Npgsql", ConnectionString = cluster.ConnectionString }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private static async Task<ContractSnapshot> ReadFromNewActivationAsync(IContractStateGrain grain, Guid previous)
    {
        // DeactivateOnIdle takes effect after the call returns; wait until a new activation answers.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var snapshot = await grain.Read();
            if (snapshot.Activation != previous || DateTime.UtcNow > deadline)
            {
                Assert.NotEqual(previous, snapshot.Activation);
                return snapshot;
            }

            await Task.Delay(50);
        }
    }
}

/// <summary>A silo (and a client) on a fresh database migrated by <see cref="SchemaMigrationService"/> at host start.</summary>
public sealed class OrleansAdoNetSilo : IAsyncLifetime
{
    public const string ServiceId = "villages-contract";
    public const string StorageName = "test";
    public const string DeletingStorageName = "test-delete";

    public string ClusterId { get; } = "contract-" + Guid.NewGuid().ToString("N")[..8];

    public string ConnectionString { get; private set; } = "";

    public int GatewayPort { get; private set; }

    public IHost Silo { get; private set; } = null!;

    public IHost Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync("orleans_contract", migrate: false);
        var siloPort = Ports.Next();
        GatewayPort = Ports.Next();

        Silo = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureServices(services => services.AddSchemaMigration(ConnectionString))
            .UseOrleans(silo => silo
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId))
                .ConfigureEndpoints(IPAddress.Loopback, siloPort, GatewayPort, listenOnAnyHostAddress: false)
                .UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", ConnectionString))
                .AddAdoNetGrainStorage(StorageName, options => options.Configure<Serializer>((o, serializer) =>
                {
                    (o.Invariant, o.ConnectionString) = ("Npgsql", ConnectionString);
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }))
                .AddAdoNetGrainStorage(DeletingStorageName, options => options.Configure<Serializer>((o, serializer) =>
                {
                    (o.Invariant, o.ConnectionString) = ("Npgsql", ConnectionString);
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                    o.DeleteStateOnClear = true;
                })))
            .Build();
        await Silo.StartAsync();

        Client = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .UseOrleansClient(client => client
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId))
                .UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", ConnectionString)))
            .Build();
        await Client.StartAsync();
    }

    public async Task DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (Client is not null)
        {
            await Client.StopAsync(timeout.Token);
            Client.Dispose();
        }

        if (Silo is not null)
        {
            await Silo.StopAsync(timeout.Token);
            Silo.Dispose();
        }
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>(version, has payload) of a string-keyed state row, or null if there is none.</summary>
    public async Task<(int Version, bool HasPayload)?> StoredRowAsync(string stateName, string key)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT version, payloadbinary IS NOT NULL
              FROM orleansstorage
             WHERE serviceid = @service AND graintypestring = @state
               AND grainidn0 = 0 AND grainidn1 = 0 AND grainidextensionstring = @key
            """, connection);
        command.Parameters.AddWithValue("service", ServiceId);
        command.Parameters.AddWithValue("state", stateName);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt32(0), reader.GetBoolean(1)) : null;
    }

}

public interface IContractStateGrain : IGrainWithStringKey
{
    Task SetValue(string value);

    Task<ContractSnapshot> Read();

    Task ClearValue();

    Task Deactivate();
}

[GenerateSerializer]
public sealed class ContractState
{
    [Id(0)]
    public string? Value { get; set; }
}

[GenerateSerializer]
public sealed record ContractSnapshot(
    [property: Id(0)] string? Value,
    [property: Id(1)] string? ETag,
    [property: Id(2)] bool RecordExists,
    [property: Id(3)] Guid Activation);

public sealed class ContractStateGrain(
    [PersistentState("contract", OrleansAdoNetSilo.StorageName)] IPersistentState<ContractState> state) : Grain, IContractStateGrain
{
    private readonly Guid _activation = Guid.NewGuid();

    public Task SetValue(string value)
    {
        state.State.Value = value;
        return state.WriteStateAsync();
    }

    public Task<ContractSnapshot> Read() =>
        Task.FromResult(new ContractSnapshot(state.State.Value, state.Etag, state.RecordExists, _activation));

    public Task ClearValue() => state.ClearStateAsync();

    public Task Deactivate()
    {
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
