using Npgsql;

namespace Villages.Tests.Infrastructure;

/// <summary>The national registry table as a test sees it: read a holder, or leave a row behind as a crash would.</summary>
public static class RegistryRows
{
    public static async Task<string?> HolderAsync(string connectionString, string serviceId, string nik)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT village_code FROM nik_registry WHERE service_id = @s AND nik_key = @k", connection);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("k", Key(nik));
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>The first step of the protocol without the second: the registry names a village that never saved the enrolment.</summary>
    public static async Task LeaveClaimAsync(string connectionString, string serviceId, string nik, string villageCode)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO nik_registry (service_id, nik_key, village_code) VALUES (@s, @k, @v)
            ON CONFLICT (service_id, nik_key) DO UPDATE SET village_code = EXCLUDED.village_code, version = nik_registry.version + 1
            """, connection);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("k", Key(nik));
        command.Parameters.AddWithValue("v", villageCode);
        await command.ExecuteNonQueryAsync();
    }

    private static byte[] Key(string nik) => System.Buffers.Text.Base64Url.DecodeFromChars(TestSecrets.Keys.RegistryKey(nik));
}
