using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Villages.Silo.Configuration;

namespace Villages.Silo.Tls;

/// <summary>
/// Orleans' TLS (Microsoft.Orleans.Connections.Security) on every cluster connection, mutual: a
/// silo's silo and gateway ports accept only peers whose certificate the cluster trusts, and a
/// silo or client connects only to such peers. The certificate is read when the first connection
/// is set up, after the settings were validated.
/// </summary>
public static class ClusterTls
{
    /// <summary>TLS on this silo's silo port, gateway port and outgoing silo connections.</summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (!AddSettings(silo.Services, configuration)) return silo;
        silo.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureSiloInboundConnection(c => c.UseServerTls(TlsOf(c)));
            o.ConfigureGatewayInboundConnection(c => c.UseServerTls(TlsOf(c)));
            o.ConfigureSiloOutboundConnection(c => c.UseClientTls(TlsOf(c)));
        });
        return silo;
    }

    /// <summary>TLS on this client's connections to the gateways.</summary>
    public static IClientBuilder UseClusterTls(this IClientBuilder client, IConfiguration configuration)
    {
        if (!AddSettings(client.Services, configuration)) return client;
        client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(c => c.UseClientTls(TlsOf(c))));
        return client;
    }

    private static bool AddSettings(IServiceCollection services, IConfiguration configuration)
    {
        var settings = services.AddValidatedOptions<ClusterTlsOptions>(configuration, ClusterTlsOptions.Section);
        services.TryAddSingleton<ClusterTlsConnections>();
        if (!settings.Enabled) services.AddHostedService<ClusterTlsOffWarning>();
        return settings.Enabled;
    }

    private static TlsOptions TlsOf(IConnectionBuilder connection) =>
        connection.ApplicationServices.GetRequiredService<ClusterTlsConnections>().Options;
}

/// <summary>The one <see cref="TlsOptions"/> of a process: its certificate, loaded once, and the check of every peer's.</summary>
internal sealed partial class ClusterTlsConnections
{
    private readonly Lazy<TlsOptions> _options;

    public ClusterTlsConnections(IOptions<ClusterTlsOptions> settings, ILogger<ClusterTlsConnections> logger) =>
        _options = new(() => Create(settings.Value, logger));

    public TlsOptions Options => _options.Value;

    private static TlsOptions Create(ClusterTlsOptions settings, ILogger logger)
    {
        var certificates = ClusterCertificates.Load(settings);
        LogCertificate(logger, certificates.Certificate.Subject, certificates.Certificate.Thumbprint, certificates.Certificate.NotAfter);
        return new TlsOptions
        {
            LocalCertificate = certificates.Certificate,
            // Both ends must show a certificate: a silo refuses a client or silo without one.
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
            HandshakeTimeout = settings.HandshakeTimeout,
            RemoteCertificateValidation = (certificate, chain, _) =>
            {
                if (certificates.Trust.Refusal(certificate, chain) is not { } refusal) return true;
                LogRefused(logger, certificate.Subject, certificate.Thumbprint, refusal);
                return false;
            },
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster TLS: presenting {Subject} ({Thumbprint}), valid until {NotAfter:u}")]
    private static partial void LogCertificate(ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster TLS: refused a peer presenting {Subject} ({Thumbprint}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string subject, string thumbprint, string reason);
}

/// <summary>Says at start that the cluster's ports are open to anyone who reaches them.</summary>
internal sealed partial class ClusterTlsOffWarning(ILogger<ClusterTlsOffWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogOff(logger, ClusterTlsOptions.Section);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Section}:Enabled is false: cluster connections are neither encrypted nor authenticated")]
    private static partial void LogOff(ILogger logger, string section);
}
