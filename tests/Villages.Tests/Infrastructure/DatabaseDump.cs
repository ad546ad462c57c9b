using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace Villages.Tests.Infrastructure;

/// <summary>
/// Every value of every table of a database (every schema but PostgreSQL's own), as the bytes it
/// holds: a bytea as its raw bytes (grain state is Orleans' binary serialisation: a string in it is
/// its UTF-8), anything else as its text. What an attacker with a copy of the database would read.
/// </summary>
public sealed class DatabaseDump
{
    private readonly List<(string Where, byte[] Bytes)> _values = [];

    public IReadOnlyDictionary<string, int> RowsPerTable { get; private set; } = new Dictionary<string, int>();

    public long Bytes => _values.Sum(static v => (long)v.Bytes.Length);

    public static async Task<DatabaseDump> ReadAsync(string connectionString)
    {
        var dump = new DatabaseDump();
        var rows = new Dictionary<string, int>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables " +
            "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        foreach (var table in tables)
        {
            rows[table] = 0;
            // In a fixed order: an update moves a row in the heap, and the same rows must give the same digest.
            await using var select = new NpgsqlCommand($"SELECT t.* FROM {table} t ORDER BY t::text", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows[table]++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.IsDBNull(i)) continue;
                    var bytes = reader.GetFieldType(i) == typeof(byte[])
                        ? (byte[])reader.GetValue(i)
                        : Encoding.UTF8.GetBytes(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "");
                    dump._values.Add(($"{table}.{reader.GetName(i)}", bytes));
                }
            }
        }
        dump.RowsPerTable = rows;
        return dump;
    }

    /// <summary>A digest of every value, but those of tables whose name contains one of <paramref name="except"/> (Orleans' membership heartbeats).</summary>
    public string Digest(params string[] except)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var (where, bytes) in _values.Where(v => !except.Any(e => v.Where.Contains(e, StringComparison.Ordinal))))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(where));
            hash.AppendData(bytes);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>
    /// Where a secret appears, in any of the ways a program might have written it: UTF-8 (as is, and
    /// upper case), UTF-16, and for a number (a NIK, a KPJ) its 64-bit binary either way round.
    /// </summary>
    public IReadOnlyList<string> Find(string secret)
    {
        var forms = new List<byte[]> { Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(secret.ToUpperInvariant()), Encoding.Unicode.GetBytes(secret) };
        if (long.TryParse(secret, out var number))
        {
            var little = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(little, number);
            var big = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(big, number);
            forms.AddRange([little, big]);
        }
        return [.. _values.Where(v => forms.Any(f => v.Bytes.AsSpan().IndexOf(f) >= 0)).Select(static v => v.Where).Distinct()];
    }
}
