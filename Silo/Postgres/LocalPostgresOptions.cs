namespace Villages.Silo.Postgres;

/// <summary>Settings for <see cref="LocalPostgres"/>.</summary>
public sealed record LocalPostgresOptions
{
    /// <summary>Where the cluster lives. Created and initialised on first use, reused afterwards.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The application database, created if missing.</summary>
    public string Database { get; init; } = "villages";

    /// <summary>TCP port on 127.0.0.1; <c>null</c> picks a free one at every start.</summary>
    public int? Port { get; init; }

    /// <summary>How long to wait for the server to accept connections.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Server max_connections: room for the pools of several silos and WebApi nodes.</summary>
    public int MaxConnections { get; init; } = 300;

    /// <summary>shared_buffers in MB; <c>null</c> means 25% of the memory available to this process, at most 512 MB.</summary>
    public int? SharedBuffersMegabytes { get; init; }

    /// <summary>Npgsql pool size per connection string in <see cref="LocalPostgres.ConnectionString"/>.</summary>
    public int MaxPoolSize { get; init; } = 100;

    /// <summary>
    /// Whether initdb flushes the new cluster to disk (seconds on a slow disk). Only throw-away clusters,
    /// such as the tests', should turn this off; the running server is durable either way.
    /// </summary>
    public bool SyncNewCluster { get; init; } = true;

    /// <summary>Where the superuser's password is kept (0600); <c>null</c>: beside the data directory, <c>&lt;DataDirectory&gt;-password</c>.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>Directory holding pg_ctl, initdb and postgres; <c>null</c> searches (see <see cref="LocalPostgres.FindBinDirectory"/>).</summary>
    public string? BinDirectory { get; init; }
}
