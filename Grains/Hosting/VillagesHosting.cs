using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Villages.Domain;
using Villages.Privacy;
using Villages.Regions;
using Villages.Storage;
using Villages.Village;
using Orleans.Dashboard;

namespace Villages.Hosting;

/// <summary>
/// The one place that configures a Villages silo or client: the Silo host, the co-hosted WebApi and
/// the tests all go through here, so they run the same cluster, storage and rules.
/// </summary>
public static class VillagesHosting
{
    public const string ConnectionStringName = "Villages";

    /// <summary>The clock of the domain (coverage months, enrolment times), keyed so tests can move it without moving Orleans' own.</summary>
    public const string ClockKey = "villages";
    private const string Invariant = "Npgsql";

    /// <summary>
    /// The configured connection string, with the settings this workload needs unless the operator
    /// chose otherwise: statements prepared after their second use (Orleans and the grains repeat a
    /// handful), and no session reset on every return to the pool (seven parsed statements each time;
    /// nothing here leaves session state behind).
    /// </summary>
    public static string RequireConnectionString(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrEmpty(configured))
        {
            throw new InvalidOperationException($"No PostgreSQL connection string: set ConnectionStrings:{ConnectionStringName}.");
        }
        var builder = new NpgsqlConnectionStringBuilder(configured);
        if (!configured.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) (builder.MaxAutoPrepare, builder.AutoPrepareMinUsages) = (64, 2);
        if (!configured.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase)) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    public static ClusterSettings ClusterSettings(IConfiguration configuration) =>
        configuration.GetSection(Hosting.ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();

    /// <summary>A silo of the Villages cluster: membership and grain state in PostgreSQL.</summary>
    public static ISiloBuilder UseVillages(this ISiloBuilder silo, IConfiguration configuration) =>
        silo.UseVillagesMembership(configuration).AddVillagesGrains(configuration);

    /// <summary>Cluster identity, endpoints and the AdoNet membership table (test clusters bring their own).</summary>
    public static ISiloBuilder UseVillagesMembership(this ISiloBuilder silo, IConfiguration configuration)
    {
        var connectionString = RequireConnectionString(configuration);
        var cluster = ClusterSettings(configuration);
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
        silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedAddress), FreeIfZero(cluster.SiloPort), FreeIfZero(cluster.GatewayPort), cluster.ListenOnAnyAddress);
        silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant, connectionString));
        if (!string.IsNullOrEmpty(cluster.SiloName)) silo.Configure<SiloOptions>(o => o.SiloName = cluster.SiloName);
        // A stopping silo deactivates its grains (rollups write their clean state) and leaves the
        // membership table before the process ends: give it the time Kubernetes gives the pod.
        silo.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = cluster.ShutdownTimeout);
        return silo;
    }

    /// <summary>The grains, their storage (schema applied before the silo starts) and their rules.</summary>
    public static ISiloBuilder AddVillagesGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var connectionString = RequireConnectionString(configuration);
        silo.Services.AddVillageRules(configuration);
        silo.Services.AddSchemaMigration(connectionString);
        silo.Services.AddSingleton(sp => new Registry.NikRegistry(connectionString,
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Registry.NikRegistry>>()));
        silo.AddAdoNetGrainStorage(VillageStorageOptions.ProviderName, o => (o.Invariant, o.ConnectionString) = (Invariant, connectionString));
        // Orleans' binary serializer: compact, fast and version-tolerant through [Id] and [Alias].
        silo.Services.AddOptions<Orleans.Configuration.AdoNetGrainStorageOptions>(VillageStorageOptions.ProviderName)
            .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        silo.Services.AllowStorageExceptions();
        silo.AddActivityPropagation();
        silo.AddDashboard(); // the grain statistics the operators' dashboard shows
        var activations = configuration.GetSection(ActivationOptions.Section).Get<ActivationOptions>() ?? new ActivationOptions();
        silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionQuantum = activations.CollectionQuantum;
            o.CollectionAge = activations.DefaultIdleTimeout;
            o.ClassSpecificCollectionAge[typeof(VillageGrain).FullName!] = activations.VillageIdleTimeout;
            o.EnableActivationSheddingOnMemoryPressure = activations.ShedOnMemoryPressure;
            o.MemoryUsageLimitPercentage = activations.MemoryLimitPercent;
            o.MemoryUsageTargetPercentage = activations.MemoryTargetPercent;
        });
        return silo;
    }

    /// <summary>A pure cluster client (a WebApi node that hosts no grains).</summary>
    public static IClientBuilder UseVillages(this IClientBuilder client, IConfiguration configuration)
    {
        var connectionString = RequireConnectionString(configuration);
        var cluster = ClusterSettings(configuration);
        client.Services.AddSchemaMigration(connectionString);
        client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
        client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant, connectionString));
        client.Services.AllowStorageExceptions();
        client.AddActivityPropagation();
        client.AddDashboard();
        return client;
    }

    /// <summary>
    /// PostgreSQL errors cross the wire as what they are. Orleans serializes exceptions only from
    /// the namespaces it is told about (System, Microsoft, Azure by default): a grain whose
    /// activation failed on Npgsql (the database down, or a pooled connection it closed) otherwise
    /// answers with a CodecNotFoundException, which the WebApi cannot tell from a bug (a 500
    /// instead of a 503 a client retries). Silos and clients must agree, so both call this.
    /// </summary>
    public static IServiceCollection AllowStorageExceptions(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));

    /// <summary>The domain rules, keys and reference data, from configuration.</summary>
    public static IServiceCollection AddVillageRules(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(static d => d.ServiceType == typeof(VillageRules))) return services; // silo and WebApi in one process
        services.TryAddSingletonOptions<EnrollmentOptions>(configuration, EnrollmentOptions.Section);
        services.TryAddSingletonOptions<PremiumOptions>(configuration, PremiumOptions.Section);
        services.TryAddSingletonOptions<ProgramOptions>(configuration, ProgramOptions.Section);
        services.TryAddSingletonOptions<PrivacyOptions>(configuration, PrivacyOptions.Section);
        services.AddOptions<VillageStorageOptions>().Bind(configuration.GetSection(VillageStorageOptions.Section));
        services.AddOptions<Progress.ProgressOptions>().Bind(configuration.GetSection(Progress.ProgressOptions.Section));
        services.AddSingleton(RegionCatalog.Default);
        services.TryAddKeyedSingleton(ClockKey, TimeProvider.System);
        services.AddSingleton(sp => new PremiumCalculator(sp.GetRequiredService<PremiumOptions>()));
        services.AddSingleton(sp => new EnrollmentRules(sp.GetRequiredService<EnrollmentOptions>(), sp.GetRequiredService<PremiumCalculator>()));
        services.AddSingleton(sp => new ProgramRules(sp.GetRequiredService<ProgramOptions>()));
        services.AddSingleton(sp => new WorkerKeys(sp.GetRequiredService<PrivacyOptions>()));
        services.AddSingleton(sp => new PersonalDataProtector(sp.GetRequiredService<PrivacyOptions>()));
        services.AddSingleton<VillageRules>();
        services.AddSingleton<VillageMetrics>();
        return services;
    }

    /// <summary>Options bound once from configuration and injected as plain objects into the domain classes.</summary>
    private static void TryAddSingletonOptions<T>(this IServiceCollection services, IConfiguration configuration, string section) where T : class, new()
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
    }

    private static int FreeIfZero(int port) => port != 0 ? port : LoopbackPort.Free();
}
