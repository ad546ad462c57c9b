using Npgsql;

namespace Villages.Silo.Storage;

/// <summary>The PostgreSQL database of a deployment: grain state, membership and the NIK registry.</summary>
public static class PostgresConnection
{
    /// <summary>`ConnectionStrings:Villages`.</summary>
    public const string Name = "Villages";

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
        var builder = new NpgsqlConnectionStringBuilder(configured);
        if (!configured.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) (builder.MaxAutoPrepare, builder.AutoPrepareMinUsages) = (64, 2);
        if (!configured.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase)) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}
