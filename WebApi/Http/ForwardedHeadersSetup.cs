using System.ComponentModel.DataAnnotations;
using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.HttpOverrides;
using Villages.Silo.Configuration;

namespace Villages.WebApi.Http;

/// <summary>
/// The proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (`Villages:ForwardedHeaders`).
/// None by default: a client's own header then changes nothing, so it cannot pick its rate-limit
/// bucket or pass for HTTPS. Each entry may hold several, comma-separated (one environment variable).
/// </summary>
public sealed class ProxyOptions : IValidatableObject
{
    public const string Section = "Villages:ForwardedHeaders";

    /// <summary>Addresses of the proxies in front of the nodes (an ingress controller's pods, a load balancer).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks they live in, in CIDR notation (10.0.0.0/8), when their addresses change.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row to believe, from the node outwards.</summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    public IEnumerable<IPAddress> Proxies => Split(KnownProxies).Select(IPAddress.Parse);

    public IEnumerable<IPNetwork> Networks => Split(KnownNetworks).Select(static n => IPNetwork.Parse(n));

    public bool Any => Split(KnownProxies).Concat(Split(KnownNetworks)).Any();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in Split(KnownProxies).Where(static p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"'{proxy}' is not an IP address.", [nameof(KnownProxies)]);
        }
        foreach (var network in Split(KnownNetworks).Where(static n => !IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult($"'{network}' is not a network in CIDR notation (10.0.0.0/8).", [nameof(KnownNetworks)]);
        }
    }

    private static IEnumerable<string> Split(string[] entries) =>
        entries.SelectMany(static e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>ASP.NET Core's forwarded headers, from the configured proxies only.</summary>
public static class ForwardedHeadersSetup
{
    public static IServiceCollection AddVillagesForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = services.AddValidatedOptions<ProxyOptions>(configuration, ProxyOptions.Section);
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = proxies.ForwardLimit;
            // ASP.NET Core trusts loopback by default: here only what is configured.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Proxies) options.KnownProxies.Add(proxy);
            foreach (var network in proxies.Networks) options.KnownIPNetworks.Add(network);
        });
        return services;
    }

    /// <summary>First in the pipeline, so that everything after sees the client's address and scheme.</summary>
    public static WebApplication UseVillagesForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ProxyOptions>().Any) app.UseForwardedHeaders();
        return app;
    }
}
