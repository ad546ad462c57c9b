using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Villages.Silo.Postgres;

/// <summary>Finding the PostgreSQL server binaries.</summary>
public sealed partial class LocalPostgres
{
    /// <summary>
    /// The newest <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> that has initdb, pg_ctl and postgres,
    /// else the first directory on PATH that has them.
    /// </summary>
    public static string FindBinDirectory()
    {
        static bool HasTools(string dir) =>
            File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "postgres"));

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Bin: Path.Combine(d, "bin"), Version: Version.TryParse(VersionText(Path.GetFileName(d)), out var v) ? v : null))
                .Where(x => x.Version is not null && HasTools(x.Bin))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Bin)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (HasTools(dir))
            {
                return dir;
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in /usr/lib/postgresql/*/bin or on PATH. " +
            "Install them, e.g. 'apt-get install postgresql'.");

        static string VersionText(string name) => name.Contains('.', StringComparison.Ordinal) ? name : name + ".0";
    }

}
