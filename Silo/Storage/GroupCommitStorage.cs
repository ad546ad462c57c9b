using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;

namespace Villages.Silo.Storage;

/// <summary>
/// Grain storage that commits the writes of many grains together: every write that arrives while a
/// flush runs goes into the next one, one transaction (one WAL flush) for all of them, so a busy
/// silo pays one commit for many acknowledgements and an idle one adds no wait. Each write keeps its
/// own version check (orleansstorage_write answers NULL to a stale ETag: that write alone fails with
/// an <see cref="InconsistentStateException"/>); a flush that fails fails only its own writes; no
/// caller is answered before the commit. The rows are the ones the ADO.NET provider reads (the same
/// key columns and serializer), so reads, clears and rows written before stay with it.
/// </summary>
public sealed partial class GroupCommitStorage : IGrainStorage, IAsyncDisposable
{
    /// <summary>Traces of flushes: each a child of its first write's trace, linked to the others', so one enrolment is still one trace down to PostgreSQL.</summary>
    public const string ActivitySourceName = "Villages.Storage";
    private static readonly System.Diagnostics.ActivitySource Activities = new(ActivitySourceName);
    private const string WriteSql = "SELECT orleansstorage_write($1, $2, $3, $4, $5, $6, $7)";
    private readonly IGrainStorage _reads;
    private readonly NpgsqlDataSource _db;
    private readonly string _serviceId;
    private readonly IGrainStorageSerializer _serializer;
    private readonly GroupCommitOptions _options;
    private readonly ILogger<GroupCommitStorage> _logger;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = false });
    private readonly Task[] _flushers;

    public GroupCommitStorage(IGrainStorage reads, string connectionString, string serviceId, IGrainStorageSerializer serializer,
        GroupCommitOptions options, ILogger<GroupCommitStorage> logger)
    {
        (_reads, _serviceId, _serializer, _options, _logger) = (reads, serviceId, serializer, options, logger);
        _db = NpgsqlDataSource.Create(connectionString);
        _flushers = [.. Enumerable.Range(0, options.ConcurrentFlushes).Select(_ => Task.Run(FlushLoopAsync))];
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => _reads.ReadStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => _reads.ClearStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = RowKey.Of(grainId);
        int? version = string.IsNullOrWhiteSpace(grainState.ETag) ? null : int.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        var pending = new PendingWrite(stateName, key, version, _serializer.Serialize(grainState.State).ToArray(),
            System.Diagnostics.Activity.Current?.Context ?? default);
        if (!_writes.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(GroupCommitStorage));
        var written = await pending.Done.Task.ConfigureAwait(false);
        if (written is null)
        {
            throw new InconsistentStateException(
                $"Version conflict (WriteState): ServiceId={_serviceId} GrainType={stateName} GrainId={grainId} ETag={grainState.ETag}.");
        }
        grainState.ETag = written.Value.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await Task.WhenAll(_flushers).ConfigureAwait(false);
        await _db.DisposeAsync().ConfigureAwait(false);
    }

    private async Task FlushLoopAsync()
    {
        var batch = new List<PendingWrite>(_options.MaximumBatch);
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaximumBatch && _writes.Reader.TryRead(out var write)) batch.Add(write);
            if (batch.Count == 0) continue;
            try
            {
                await FlushAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogFlushFailed(ex, batch.Count);
                foreach (var write in batch) write.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>One transaction for the batch; each write's answer once it is committed.</summary>
    private async Task FlushAsync(List<PendingWrite> batch)
    {
        var traced = batch.Where(static w => w.Trace != default).ToList();
        using var activity = traced.Count == 0 ? null : Activities.StartActivity("grain storage flush", System.Diagnostics.ActivityKind.Internal,
            traced[0].Trace, links: [.. traced.Skip(1).Select(static w => new System.Diagnostics.ActivityLink(w.Trace))]);
        activity?.SetTag("villages.storage.writes", batch.Count);
        await using var connection = await _db.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlBatch(connection, transaction);
        foreach (var write in batch)
        {
            command.BatchCommands.Add(new NpgsqlBatchCommand(WriteSql)
            {
                Parameters =
                {
                    new NpgsqlParameter<string> { TypedValue = _serviceId },
                    new NpgsqlParameter<string> { TypedValue = write.StateName },
                    new NpgsqlParameter<long> { TypedValue = write.Key.N0 },
                    new NpgsqlParameter<long> { TypedValue = write.Key.N1 },
                    new NpgsqlParameter { Value = (object?)write.Key.Extension ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                    new NpgsqlParameter { Value = (object?)write.Version ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer },
                    new NpgsqlParameter<byte[]> { TypedValue = write.Payload },
                },
            });
        }
        var versions = new int?[batch.Count];
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (await reader.ReadAsync().ConfigureAwait(false) && !reader.IsDBNull(0)) versions[i] = reader.GetInt32(0);
                await reader.NextResultAsync().ConfigureAwait(false);
            }
        }
        await transaction.CommitAsync().ConfigureAwait(false);
        for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(versions[i]);
    }

    private sealed record PendingWrite(string StateName, RowKey Key, int? Version, byte[] Payload, System.Diagnostics.ActivityContext Trace)
    {
        public TaskCompletionSource<int?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A grain id in the key columns the ADO.NET provider uses: a GUID or integer key in N0/N1 with its extension, else the string key.</summary>
    private readonly record struct RowKey(long N0, long N1, string? Extension)
    {
        public static RowKey Of(GrainId grainId)
        {
            if (grainId.TryGetGuidKey(out var guid, out var guidExtension))
            {
                var bytes = guid.ToByteArray();
                return new RowKey(BitConverter.ToInt64(bytes, 0), BitConverter.ToInt64(bytes, 8), guidExtension);
            }
            if (grainId.TryGetIntegerKey(out var integer, out var integerExtension)) return new RowKey(0, integer, integerExtension);
            return new RowKey(0, 0, grainId.Key.ToString());
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A storage flush of {Count} writes failed; each of them is answered with the failure.")]
    private partial void LogFlushFailed(Exception exception, int count);
}

/// <summary>How the silo commits grain writes together (`Villages:Storage:GroupCommit`).</summary>
public sealed class GroupCommitOptions
{
    /// <summary>Off: every write is its own transaction (the ADO.NET provider's way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Writes in one transaction at most.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int MaximumBatch { get; set; } = 512;

    /// <summary>Flushes in flight at once: while one commits, the next gathers the writes that keep arriving.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 16)]
    public int ConcurrentFlushes { get; set; } = 2;
}
