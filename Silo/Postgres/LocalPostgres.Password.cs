using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Villages.Silo.Configuration;

namespace Villages.Silo.Postgres;

/// <summary>
/// Password (SCRAM-SHA-256) authentication for every connection, the superuser's included: any user
/// of this machine can reach 127.0.0.1, and a superuser reads files (the privacy secret) with
/// pg_read_file. The password is generated once and kept beside the data directory (0600).
/// </summary>
public sealed partial class LocalPostgres
{
    private const string HbaMarker = "# Villages LocalPostgres: password (SCRAM-SHA-256) authentication only.";

    private string _password = "";

    /// <summary>The file that keeps the superuser's password.</summary>
    /// <summary>The superuser's password, for tools run beside the product (the bench's peers read it as PGPASSWORD).</summary>
    public string Password => _password;

    public string PasswordFile => _options.PasswordFile ?? RequestedDataDirectory + "-password";

    private string HbaFile => Path.Combine(DataDirectory, "pg_hba.conf");

    /// <summary>Reads the password, or generates it (then the server must be told: returns true).</summary>
    private bool LoadPassword()
    {
        var existed = File.Exists(PasswordFile);
        _password = SecretFile.ReadOrCreate(PasswordFile, () => SecretFile.NewRandom(24));
        return !existed;
    }

    private bool PasswordsRequired()
    {
        try
        {
            return File.ReadLines(HbaFile).FirstOrDefault() == HbaMarker;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Before the server starts: a new cluster (initdb trusts local connections) or one kept by an
    /// earlier version (trust, no password) gets the password, set in single-user mode so that no
    /// connection is ever accepted without it, and then a pg_hba.conf that asks every connection for it.
    /// </summary>
    private async Task RequirePasswordsAsync(bool passwordIsNew, CancellationToken ct)
    {
        if (!passwordIsNew && PasswordsRequired()) return;
        var result = await RunToolAsync("postgres", ["--single", "-D", DataDirectory, "-c", "listen_addresses=", "postgres"],
            TimeSpan.FromMinutes(2), ct, stdin: SetPasswordSql() + "\n").ConfigureAwait(false);
        if (result.ExitCode != 0 || result.Output.Contains("ERROR:", StringComparison.Ordinal) || result.Output.Contains("FATAL:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Could not set the superuser's password in {DataDirectory} (exit code {result.ExitCode}):\n{result.Output}");
        }
        await WriteHbaAsync(ct).ConfigureAwait(false);
        _logger.LogInformation("PostgreSQL in {DataDirectory} now asks every connection for a password (kept in {PasswordFile}).", DataDirectory, PasswordFile);
    }

    /// <summary>
    /// A server already running on the data directory (started by an earlier version, trusting local
    /// connections) is switched while it runs: password set, pg_hba.conf rewritten and reloaded.
    /// </summary>
    private async Task RequirePasswordsOnlineAsync(bool passwordIsNew, CancellationToken ct)
    {
        if (!passwordIsNew && PasswordsRequired()) return;
        await using (var connection = new NpgsqlConnection(GetConnectionString("postgres") + ";Pooling=false"))
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(SetPasswordSql(), connection);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await WriteHbaAsync(ct).ConfigureAwait(false);
            await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
            await reload.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        _logger.LogInformation("The running PostgreSQL on {DataDirectory} now asks every connection for a password.", DataDirectory);
    }

    // The SCRAM verifier, not the password, goes to the server: nothing it logs can reveal it.
    private string SetPasswordSql() => $"ALTER ROLE {QuoteIdentifier(Superuser)} PASSWORD '{ScramVerifier(_password)}'";

    private async Task WriteHbaAsync(CancellationToken ct)
    {
        var hba = new StringBuilder()
            .AppendLine(HbaMarker)
            .AppendLine("# Written by Villages (Silo/Postgres/LocalPostgres.Password.cs); the password is in " + PasswordFile)
            .AppendLine("local all all scram-sha-256")
            .AppendLine("host  all all 127.0.0.1/32 scram-sha-256")
            .AppendLine("host  all all ::1/128 scram-sha-256");
        // Rewritten in place: the file keeps its owner (the server user when we are root) and its mode.
        await File.WriteAllTextAsync(HbaFile, hba.ToString(), ct).ConfigureAwait(false);
    }

    /// <summary>PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802, 7677).</summary>
    internal static string ScramVerifier(string password, int iterations = 4096)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
