using Npgsql;
using NpgsqlTypes;

namespace Villages.Registry;

/// <summary>
/// The registry's side of reconciliation with BPJS: which village holds (or last held) each worker
/// of a result file, and the KPJ numbers the file gives, each to one worker only.
/// </summary>
public sealed partial class NikRegistry
{
    /// <summary>
    /// The village that holds each worker now or, once released (withdrawn), the last that held them;
    /// workers the ledger never had are left out. One statement for a whole file.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> HoldersAsync(IReadOnlyCollection<string> nikKeys)
    {
        var holders = new Dictionary<string, string>(StringComparer.Ordinal);
        if (nikKeys.Count == 0) return holders;
        await using var command = _db.CreateCommand("""
            SELECT k.key, coalesce(r.village_code, h.village_code)
              FROM unnest(@keys) AS k(key)
              LEFT JOIN nik_registry r ON r.service_id = @service AND r.nik_key = k.key
              LEFT JOIN LATERAL (
                  SELECT village_code FROM nik_history
                   WHERE r.village_code IS NULL AND service_id = @service AND nik_key = k.key
                   ORDER BY recorded_at DESC LIMIT 1) h ON true
             WHERE coalesce(r.village_code, h.village_code) IS NOT NULL
            """);
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = nikKeys.Select(Key).ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) holders[System.Buffers.Text.Base64Url.EncodeToString(reader.GetFieldValue<byte[]>(0))] = reader.GetString(1);
        return holders;
    }

    /// <summary>
    /// Records which worker each KPJ belongs to; returns the KPJs (by key) already given to another
    /// worker, which are not recorded. Giving a KPJ to its own worker again changes nothing.
    /// </summary>
    public async Task<IReadOnlySet<string>> ClaimKpjsAsync(IReadOnlyList<(string KpjKey, string NikKey)> pairs)
    {
        var conflicts = new HashSet<string>(StringComparer.Ordinal);
        if (pairs.Count == 0) return conflicts;
        await using var command = _db.CreateCommand("""
            WITH req AS (
                SELECT * FROM unnest(@kpjs, @niks) AS r(kpj_key, nik_key)
            ), added AS (
                INSERT INTO kpj_registry (service_id, kpj_key, nik_key)
                SELECT @service, kpj_key, nik_key FROM req
                ON CONFLICT (service_id, kpj_key) DO NOTHING
                RETURNING kpj_key
            )
            SELECT r.kpj_key FROM req r
              JOIN kpj_registry k ON k.service_id = @service AND k.kpj_key = r.kpj_key
             WHERE k.nik_key <> r.nik_key AND r.kpj_key NOT IN (SELECT kpj_key FROM added)
            """);
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.Add(new NpgsqlParameter("kpjs", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = pairs.Select(p => Key(p.KpjKey)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("niks", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = pairs.Select(p => Key(p.NikKey)).ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) conflicts.Add(System.Buffers.Text.Base64Url.EncodeToString(reader.GetFieldValue<byte[]>(0)));
        return conflicts;
    }
}
