using Npgsql;

namespace Villages.Silo.Storage;

/// <summary>The PostgreSQL database of a deployment: grain state, membership and the NIK registry.</summary>
public static class PostgresConnection
{
    /// <summary>`ConnectionStrings:Villages`.</summary>
    public const string Name = "Villages";

    /// <summary>
    /// `ConnectionStrings:VillagesMigration`: the login that owns the schema and applies it (silos
    /// only). Unset: the runtime login applies it, as one login that may do everything.
    /// </summary>
    public const string MigrationName = "VillagesMigration";

    /// <summary>The ADO.NET invariant Orleans' providers load Npgsql by.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// The configured connection string, with the settings this workload needs unless the operator
    /// chose otherwise: statements prepared after their second use (Orleans and the grains repeat a
    /// handful), and no session reset on every return to the pool (seven parsed statements each time;
    /// nothing here leaves session state behind).
    /// </summary>
    public static string Require(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString(Name);
        if (string.IsNullOrEmpty(configured))
        {
            throw new InvalidOperationException($"No PostgreSQL connection string: set ConnectionStrings:{Name}.");
        }
        return WithWorkloadDefaults(configured);
    }

    /// <summary>The migration login's connection string, if one is configured.</summary>
    public static string? Migration(IConfiguration configuration) =>
        configuration.GetConnectionString(MigrationName) is { Length: > 0 } configured ? WithWorkloadDefaults(configured) : null;

    /// <summary>The login of a connection string (the role the runtime grants go to).</summary>
    public static string Login(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).Username
        ?? throw new InvalidOperationException($"ConnectionStrings:{Name} names no Username: the runtime login must be explicit when ConnectionStrings:{MigrationName} is set.");

    private static string WithWorkloadDefaults(string configured)
    {
        var builder = new NpgsqlConnectionStringBuilder(configured);
        if (!configured.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) (builder.MaxAutoPrepare, builder.AutoPrepareMinUsages) = (64, 2);
        if (!configured.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase)) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}
