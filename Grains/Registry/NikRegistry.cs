using System.Buffers.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Villages.Registry;

/// <summary>What the registry answered to a claim: granted, or who holds the worker (and at which version).</summary>
public readonly record struct ClaimOutcome(bool Granted, string? Holder, int Version);

/// <summary>
/// The national NIK registry (table nik_registry): who holds each worker, by keyed hash. Claims from
/// every grain of this silo are grouped into one statement while the previous one runs (group
/// commit), so the registry costs a fraction of a transaction per enrolment and one statement per
/// batch of workers. A key appears at most once per statement; a repeat waits for the next one.
/// <para>
/// Claims and take-overs commit without waiting for their WAL flush (synchronous_commit off): the
/// enrolment they serve is acknowledged only after its grain write commits durably in the same
/// database, and PostgreSQL flushes WAL in order, so that commit makes every claim before it durable
/// too. An enrolment thus waits for one WAL flush, not two; a crash can lose only claims whose
/// enrolments were never acknowledged, which the one-village protocol already repairs.
/// </para>
/// </summary>
public sealed partial class NikRegistry : IAsyncDisposable
{
    private const int MaximumBatch = 2000;
    private const string ClaimSql = """
        WITH req AS (
            SELECT * FROM unnest(@keys, @villages) AS r(nik_key, village_code)
        ), claimed AS (
            INSERT INTO nik_registry AS n (service_id, nik_key, village_code)
            SELECT @service, nik_key, village_code FROM req
            ON CONFLICT (service_id, nik_key) DO UPDATE
                SET version = n.version + 1, claimed_at = now()
                WHERE n.village_code = EXCLUDED.village_code
            RETURNING n.nik_key, n.version
        ), recorded AS (
            INSERT INTO nik_history (service_id, nik_key, village_code)
            SELECT @service, r.nik_key, r.village_code FROM req r JOIN claimed c ON c.nik_key = r.nik_key
            ON CONFLICT DO NOTHING
        )
        SELECT r.nik_key, c.nik_key IS NOT NULL, h.village_code, coalesce(c.version, h.version, 0)
          FROM req r
          LEFT JOIN claimed c ON c.nik_key = r.nik_key
          LEFT JOIN LATERAL (
              -- An index probe per refused key: never a scan or hash of the whole registry.
              SELECT village_code, version FROM nik_registry
               WHERE c.nik_key IS NULL AND service_id = @service AND nik_key = r.nik_key) h ON true
        """;

    private readonly NpgsqlDataSource _db;
    private readonly NpgsqlDataSource _claimsDb;
    private readonly string _serviceId;
    private readonly ILogger<NikRegistry> _logger;
    private readonly Channel<PendingClaim> _claims = Channel.CreateUnbounded<PendingClaim>(new() { SingleReader = true });
    private readonly Task _batches;

    public NikRegistry(string connectionString, string serviceId, ILogger<NikRegistry> logger)
    {
        _db = NpgsqlDataSource.Create(connectionString);
        _claimsDb = NpgsqlDataSource.Create(WithoutFlushWait(connectionString));
        _serviceId = serviceId;
        _logger = logger;
        _batches = Task.Run(RunBatchesAsync);
    }

    /// <summary>Claims the worker for the village: granted if free, or already this village's (fencing the version).</summary>
    public Task<ClaimOutcome> ClaimAsync(string nikKey, string villageCode)
    {
        var pending = new PendingClaim(Key(nikKey), villageCode);
        if (!_claims.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(NikRegistry));
        return pending.Outcome.Task;
    }

    /// <summary>Moves the worker from a holder that no longer has them, if nothing changed since <paramref name="version"/>.</summary>
    public async Task<bool> TakeOverAsync(string nikKey, string from, int version, string to)
    {
        await using var command = _claimsDb.CreateCommand("""
            WITH moved AS (
                UPDATE nik_registry SET village_code = @to, version = version + 1, claimed_at = now()
                 WHERE service_id = @service AND nik_key = @key AND village_code = @from AND version = @version
                RETURNING nik_key
            ), recorded AS (
                INSERT INTO nik_history (service_id, nik_key, village_code)
                SELECT @service, nik_key, @to FROM moved
                ON CONFLICT DO NOTHING
            )
            SELECT count(*) FROM moved
            """);
        command.Parameters.AddWithValue("to", to);
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.AddWithValue("key", Key(nikKey));
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("version", version);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    /// <summary>Frees the worker, if (and only if) this village holds them.</summary>
    public async Task ReleaseAsync(string nikKey, string villageCode)
    {
        await using var command = _db.CreateCommand("DELETE FROM nik_registry WHERE service_id = @service AND nik_key = @key AND village_code = @village");
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.AddWithValue("key", Key(nikKey));
        command.Parameters.AddWithValue("village", villageCode);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every village that ever held the worker (the holder of today among them).</summary>
    public async Task<IReadOnlyList<string>> VillagesOfAsync(string nikKey)
    {
        await using var command = _db.CreateCommand("SELECT village_code FROM nik_history WHERE service_id = @service AND nik_key = @key ORDER BY recorded_at");
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.AddWithValue("key", Key(nikKey));
        var villages = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) villages.Add(reader.GetString(0));
        return villages;
    }

    /// <summary>Records that a village holds (or held) these workers: for workers enrolled before the history was kept.</summary>
    public async Task RecordHistoryAsync(string villageCode, IReadOnlyCollection<string> nikKeys)
    {
        if (nikKeys.Count == 0) return;
        await using var command = _db.CreateCommand("""
            INSERT INTO nik_history (service_id, nik_key, village_code)
            SELECT @service, k, @village FROM unnest(@keys) AS k
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.AddWithValue("village", villageCode);
        command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = nikKeys.Select(Key).ToArray() });
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _claims.Writer.TryComplete();
        await _batches;
        await _claimsDb.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static byte[] Key(string nikKey) => Base64Url.DecodeFromChars(nikKey);

    /// <summary>The same database, its sessions committing without waiting for the WAL flush (see the class summary for why that is safe).</summary>
    private static string WithoutFlushWait(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.ApplicationName = builder.ApplicationName is { Length: > 0 } name ? $"{name} (registry claims)" : "villages registry claims";
        builder.Options = $"{builder.Options} -c synchronous_commit=off".Trim();
        return builder.ConnectionString;
    }

    private async Task RunBatchesAsync()
    {
        var deferred = new Queue<PendingClaim>();
        var batch = new List<PendingClaim>();
        var keys = new HashSet<byte[]>(ByteArrayComparer.Instance);
        while (deferred.Count > 0 || await _claims.Reader.WaitToReadAsync())
        {
            batch.Clear();
            keys.Clear();
            var repeats = new List<PendingClaim>();
            void Take(PendingClaim claim)
            {
                if (keys.Add(claim.Key)) batch.Add(claim);
                else repeats.Add(claim);
            }
            while (batch.Count < MaximumBatch && deferred.TryDequeue(out var waiting)) Take(waiting);
            while (batch.Count < MaximumBatch && _claims.Reader.TryRead(out var next)) Take(next);
            foreach (var repeat in repeats) deferred.Enqueue(repeat);
            if (batch.Count == 0) continue;
            try
            {
                await ClaimBatchAsync(batch);
            }
            catch (Exception ex)
            {
                LogBatchFailed(ex, batch.Count);
                foreach (var claim in batch) claim.Outcome.TrySetException(ex);
            }
        }
    }

    private async Task ClaimBatchAsync(List<PendingClaim> batch)
    {
        await using var command = _claimsDb.CreateCommand(ClaimSql);
        command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = batch.Select(static c => c.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("villages", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batch.Select(static c => c.Village).ToArray() });
        command.Parameters.AddWithValue("service", _serviceId);
        var byKey = batch.ToDictionary(static c => c.Key, ByteArrayComparer.Instance);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var claim = byKey[reader.GetFieldValue<byte[]>(0)];
            claim.Outcome.TrySetResult(new ClaimOutcome(reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3)));
        }
        foreach (var claim in batch) claim.Outcome.TrySetException(new InvalidOperationException("The registry returned no row for a claim."));
    }

    private sealed record PendingClaim(byte[] Key, string Village)
    {
        public TaskCompletionSource<ClaimOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj) => BitConverter.ToInt32(obj, 0);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A registry batch of {Count} claims failed.")]
    private partial void LogBatchFailed(Exception exception, int count);
}
