namespace Villages.Silo.Postgres;

/// <summary>The single-machine default (`Villages:LocalDatabase`): a private PostgreSQL when no connection string is set.</summary>
public sealed class LocalDatabaseOptions
{
    public const string Section = "Villages:LocalDatabase";

    /// <summary>Start the local server when no connection string is configured.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where to keep it; the repository's .data by default.</summary>
    public string? Directory { get; set; }
}
