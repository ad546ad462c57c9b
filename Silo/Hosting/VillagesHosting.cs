using System.Net;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Villages.Domain;
using Villages.Privacy;
using Villages.Progress;
using Villages.Regions;
using Villages.Registry;
using Villages.Silo.Configuration;
using Villages.Silo.Postgres;
using Villages.Silo.Storage;
using Villages.Silo.Telemetry;
using Villages.Silo.Tls;
using Villages.Storage;
using Villages.Village;

namespace Villages.Silo.Hosting;

/// <summary>
/// The one entry point that configures a Villages process: the standalone silo (Silo/Program.cs),
/// the WebApi (co-hosting a silo or as a pure client) and the tests all go through here, so they
/// run the same cluster, storage, rules and settings.
/// </summary>
public static class VillagesHosting
{
    /// <summary>
    /// The single-machine default: with no connection string configured, a private PostgreSQL in
    /// .data/ (see <see cref="LocalDatabase"/>). Dispose the result when the host has stopped.
    /// </summary>
    public static Task<IAsyncDisposable> StartLocalDatabaseAsync(this IHostApplicationBuilder builder, CancellationToken ct = default)
    {
        using var logging = LoggerFactory.Create(logging => logging.AddConsole());
        return LocalDatabase.EnsureAsync(builder.Configuration, builder.Environment, logging.CreateLogger("Villages.LocalDatabase"), ct);
    }

    /// <summary>
    /// Settings every node starts from, below appsettings files, environment variables and the command
    /// line: our logs at Information, the frameworks' only from Warning.
    /// </summary>
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:Npgsql"] = "Warning",
    };

    private static void AddDefaults(IConfigurationManager configuration)
    {
        if (configuration.Sources.OfType<MemoryConfigurationSource>().Any(s => ReferenceEquals(s.InitialData, Defaults))) return;
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
    }

    /// <summary>
    /// Development with no cluster certificate configured: the self-signed one in .data, shared by
    /// every node started from this clone (scripts/cluster's too), so they trust each other.
    /// </summary>
    private static void DefaultToLocalCertificate(this IHostApplicationBuilder builder)
    {
        var tls = builder.Configuration.GetSection(ClusterTlsOptions.Section).Get<ClusterTlsOptions>() ?? new();
        if (!builder.Environment.IsDevelopment() || !tls.Enabled || tls.HasCertificateSource) return;
        builder.Configuration[$"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.SelfSignedPath)}"] =
            Path.Combine(LocalDatabase.Folder(builder.Configuration, builder.Environment.ContentRootPath), "cluster-tls.pfx");
    }

    /// <summary>A silo in this process: the grains, membership and grain state in PostgreSQL, telemetry.</summary>
    public static IHostApplicationBuilder AddVillagesSilo(this IHostApplicationBuilder builder, string serviceName)
    {
        AddDefaults(builder.Configuration);
        var configuration = builder.Configuration;
        var cluster = builder.Services.AddVillagesSettings(configuration);
        builder.DefaultToLocalCertificate();
        builder.UseOrleans(silo => silo.UseVillagesMembership(configuration, cluster).UseClusterTls(configuration).AddVillagesGrains(configuration));
        builder.Services.AddVillagesTelemetry(configuration, serviceName);
        return builder;
    }

    /// <summary>A pure cluster client (a WebApi node that hosts no grains).</summary>
    public static IHostApplicationBuilder AddVillagesClient(this IHostApplicationBuilder builder, string serviceName, Action<IClientBuilder>? configure = null)
    {
        AddDefaults(builder.Configuration);
        var configuration = builder.Configuration;
        var cluster = builder.Services.AddVillagesSettings(configuration);
        var connectionString = PostgresConnection.Require(configuration);
        builder.DefaultToLocalCertificate();
        builder.UseOrleansClient(client =>
        {
            client.UseClusterTls(configuration);
            // No DDL from a client (a WebApi node): it waits until a silo has applied the schema.
            client.Services.AddSchemaWait(connectionString);
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = cluster.ClientResponseTimeout);
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (PostgresConnection.Invariant, connectionString));
            client.Services.AllowStorageExceptions();
            if (TelemetryOptions.From(configuration).TracesAnything) client.AddActivityPropagation(); // none when no span is made (Telemetry)
            client.AddDashboard();
            configure?.Invoke(client);
        });
        builder.Services.AddVillagesTelemetry(configuration, serviceName);
        return builder;
    }

    /// <summary>
    /// The grains, their storage (schema applied before the silo starts), the NIK registry and the
    /// rules. Test clusters call this with a membership of their own.
    /// </summary>
    public static ISiloBuilder AddVillagesGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var connectionString = PostgresConnection.Require(configuration);
        silo.Services.AddVillagesSettings(configuration);
        silo.Services.AddVillageRules(configuration);
        silo.Services.AddSchemaMigration(connectionString, PostgresConnection.Migration(configuration));
        silo.Services.AddSingleton(sp => new NikRegistry(connectionString,
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId, sp.GetRequiredService<ILogger<NikRegistry>>()));
        silo.AddVillagesStorage(configuration, connectionString);
        silo.Services.AllowStorageExceptions();
        silo.Services.AddHostedService<MemoryReturn>();
        if (TelemetryOptions.From(configuration).TracesAnything) silo.AddActivityPropagation();
        silo.AddDashboard(); // the grain statistics the operators' dashboard shows
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<ActivationOptions>>((o, settings) =>
        {
            var activations = settings.Value;
            o.CollectionQuantum = activations.CollectionQuantum;
            o.CollectionAge = activations.DefaultIdleTimeout;
            o.ClassSpecificCollectionAge[VillageActivations.GrainClass] = activations.VillageIdleTimeout;
            o.EnableActivationSheddingOnMemoryPressure = activations.ShedOnMemoryPressure;
            o.MemoryUsageLimitPercentage = activations.MemoryLimitPercent;
            o.MemoryUsageTargetPercentage = activations.MemoryTargetPercent;
        });
        return silo;
    }

    /// <summary>Cluster identity, endpoints and the AdoNet membership table.</summary>
    private static ISiloBuilder UseVillagesMembership(this ISiloBuilder silo, IConfiguration configuration, ClusterSettings cluster)
    {
        var connectionString = PostgresConnection.Require(configuration);
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
        silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedAddress), FreeIfZero(cluster.SiloPort), FreeIfZero(cluster.GatewayPort), cluster.ListenOnAnyAddress);
        silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (PostgresConnection.Invariant, connectionString));
        if (!string.IsNullOrEmpty(cluster.SiloName)) silo.Configure<SiloOptions>(o => o.SiloName = cluster.SiloName);
        silo.Configure<ClusterMembershipOptions>(o => (o.ProbeTimeout, o.NumMissedProbesLimit, o.ExtendProbeTimeoutDuringDegradation) =
            (cluster.ProbeTimeout, cluster.MissedProbesLimit, cluster.ExtendProbeTimeoutWhenBusy));
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);
        // A stopping silo deactivates its grains (rollups write their clean state) and leaves the
        // membership table before the process ends: give it the time Kubernetes gives the pod.
        silo.Services.Configure<HostOptions>(o => o.ShutdownTimeout = cluster.ShutdownTimeout);
        return silo;
    }

    /// <summary>
    /// PostgreSQL errors cross the wire as what they are. Orleans serializes exceptions only from
    /// the namespaces it is told about (System, Microsoft, Azure by default): a grain whose
    /// activation failed on Npgsql (the database down, or a pooled connection it closed) otherwise
    /// answers with a CodecNotFoundException, which the WebApi cannot tell from a bug (a 500
    /// instead of a 503 a client retries). Silos and clients must agree, so both call this.
    /// </summary>
    private static IServiceCollection AllowStorageExceptions(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));

    /// <summary>
    /// The settings every Villages process reads (silo or client), each validated on start, the
    /// reference data and the domain's clock. Returns the cluster settings for the wiring.
    /// </summary>
    public static ClusterSettings AddVillagesSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<EnrollmentOptions>(configuration, EnrollmentOptions.Section);
        services.AddValidatedOptions<PremiumOptions>(configuration, PremiumOptions.Section);
        services.AddValidatedOptions<ProgramOptions>(configuration, ProgramOptions.Section);
        services.AddValidatedOptions<ProgressOptions>(configuration, ProgressOptions.Section);
        services.AddValidatedOptions<FigureOptions>(configuration, FigureOptions.Section);
        services.TryAddSingleton<ProgramRules>();
        services.TryAddSingleton(RegionCatalog.Default);
        services.TryAddKeyedSingleton(DomainClock.Key, TimeProvider.System);
        return services.AddValidatedOptions<ClusterSettings>(configuration, ClusterSettings.Section);
    }

    /// <summary>What only a silo needs: the keys and the sealing of personal data, the rules the grains enforce.</summary>
    private static void AddVillageRules(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(static d => d.ServiceType == typeof(VillageRules))) return;
        services.AddValidatedOptions<PrivacyOptions>(configuration, PrivacyOptions.Section);
        services.AddValidatedOptions<VillageStorageOptions>(configuration, VillageStorageOptions.Section);
        services.AddValidatedOptions<ActivationOptions>(configuration, ActivationOptions.Section);
        services.AddValidatedOptions<MoneyOptions>(configuration, MoneyOptions.Section);
        services.AddSingleton<IValidateOptions<MoneyOptions>, HolidayFilesValidator>();
        services.AddSingleton(static sp => HolidayFiles.Rules(sp.GetRequiredService<IOptions<MoneyOptions>>().Value));
        services.AddSingleton<PremiumCalculator>();
        services.AddSingleton<EnrollmentRules>();
        services.AddSingleton<WorkerKeys>();
        services.AddSingleton<PersonalDataProtector>();
        services.AddSingleton<VillageRules>();
        services.AddSingleton<VillageMetrics>();
    }

    /// <summary>
    /// Grain storage in PostgreSQL through the ADO.NET provider and the project's own SQL; with group
    /// commit (the default) its writes go through <see cref="GroupCommitStorage"/>, many grains' in one
    /// transaction, while reads stay with the provider.
    /// </summary>
    private static void AddVillagesStorage(this ISiloBuilder silo, IConfiguration configuration, string connectionString)
    {
        var groupCommit = silo.Services.AddValidatedOptions<GroupCommitOptions>(configuration, "Villages:Storage:GroupCommit");
        var provider = groupCommit.Enabled ? StorageProvider.Name + "-rows" : StorageProvider.Name;
        silo.AddAdoNetGrainStorage(provider, o => (o.Invariant, o.ConnectionString) = (PostgresConnection.Invariant, connectionString));
        // Orleans' binary serializer: compact, fast and version-tolerant through [Id] and [Alias].
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(provider)
            .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        if (!groupCommit.Enabled) return;
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageProvider.Name, (sp, _) => new GroupCommitStorage(
            sp.GetRequiredKeyedService<IGrainStorage>(provider), connectionString, sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            sp.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(provider).GrainStorageSerializer,
            groupCommit, sp.GetRequiredService<ILogger<GroupCommitStorage>>()));
    }

    private static int FreeIfZero(int port) => port != 0 ? port : LoopbackPort.Free();
}
