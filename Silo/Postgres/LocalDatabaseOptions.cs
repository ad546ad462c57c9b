namespace Villages.Silo.Postgres;

/// <summary>The single-machine default (`Villages:LocalDatabase`): a private PostgreSQL when no connection string is set.</summary>
public sealed class LocalDatabaseOptions
{
    public const string Section = "Villages:LocalDatabase";

    /// <summary>
    /// Start the local server when no connection string is configured. Unset: in Development only,
    /// so that a production node missing its connection string stops instead of keeping data on its own disk.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>Where to keep it; the repository's .data by default.</summary>
    public string? Directory { get; set; }
}
