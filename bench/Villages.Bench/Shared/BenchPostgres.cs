using System.Globalization;
using System.Security.Cryptography;
using Villages.Silo.Postgres;

namespace Villages.Bench.Shared;

/// <summary>
/// A throw-away PostgreSQL for one run (LocalPostgres, so as root the server runs as the postgres OS
/// user), in a fresh directory under the temp folder; stopped and deleted by the cleanup.
/// </summary>
public sealed class BenchPostgres
{
    private BenchPostgres(LocalPostgres server) => Server = server;

    public LocalPostgres Server { get; }

    public static async Task<BenchPostgres> StartAsync(Cleanup cleanup, CancellationToken ct)
    {
        var root = Path.Combine(Path.GetTempPath(), "villages-bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        cleanup.Add(() => DeleteQuietly(root));
        var server = await LocalPostgres.StartAsync(new LocalPostgresOptions { DataDirectory = Path.Combine(root, "pgdata") }, ct: ct);
        cleanup.Add(() =>
        {
            // A throw-away cluster: no shutdown checkpoint needed.
            try { server.Stop(immediate: true); }
            catch (Exception ex) when (ex is InvalidOperationException or IOException) { Console.Error.WriteLine($"Stopping PostgreSQL: {ex.Message}"); }
            DeleteQuietly(server.DataDirectory);   // differs from root when LocalPostgres had to fall back
            DeleteQuietly(server.SocketDirectory);
        });
        return new BenchPostgres(server);
    }

    /// <summary>The postmaster's process id (line 1 of postmaster.pid), for the CPU split.</summary>
    public int? PostmasterPid()
    {
        try
        {
            var first = File.ReadLines(Path.Combine(Server.DataDirectory, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not delete {path}: {ex.Message}");
        }
    }
}
