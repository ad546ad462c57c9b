using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Villages.Silo.Hosting;
using Villages.Silo.Storage;

namespace Villages.Bench.Shared;

/// <summary>
/// A silo in the bench's own process, with the product's silo configuration, on a private
/// PostgreSQL: for what only the inside can measure (the managed heap) or drive (the domain clock).
/// </summary>
public static class InProcessSilo
{
    public static async Task<(IHost Host, BenchPostgres Postgres)> StartAsync(string name, Cleanup cleanup, IReadOnlyDictionary<string, string?> settings,
        TimeProvider? clock, CancellationToken ct)
    {
        var postgres = await BenchPostgres.StartAsync(cleanup, ct);
        var builder = Host.CreateApplicationBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{PostgresConnection.Name}"] = postgres.Server.ConnectionString,
            ["Villages:Privacy:Secret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Villages:Cluster:SiloPort"] = "0",
            ["Villages:Cluster:GatewayPort"] = "0",
            // The cluster certificate of this run, deleted with the database's folder.
            ["Villages:Cluster:Tls:SelfSignedPath"] = Path.Combine(Path.GetDirectoryName(postgres.Server.RequestedDataDirectory)!, "cluster-tls.pfx"),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (clock is not null) builder.Services.AddKeyedSingleton(DomainClock.Key, clock);
        builder.AddVillagesSilo(name);
        var host = builder.Build();
        await host.StartAsync(ct);
        return (host, postgres);
    }
}
