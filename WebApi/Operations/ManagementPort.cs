using System.ComponentModel.DataAnnotations;
using Villages.Silo.Configuration;
using Villages.Silo.Postgres;
using Villages.WebApi.Http;

namespace Villages.WebApi.Operations;

/// <summary>
/// Where probes and scrapers reach a WebApi node (`Villages:Operations`): a port of its own, as a
/// silo's HTTP port is (it serves nothing else), so that the public port, behind the ingress, never
/// answers /metrics or /health and the management port answers nothing else.
/// </summary>
public sealed class OperationsOptions : IValidatableObject
{
    public const string Section = "Villages:Operations";

    /// <summary>The management port; 0 picks a free one at start (tests, several nodes on one machine).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8081;

    /// <summary>What it listens on: `localhost` (the default: the machine only), `*` (every interface: containers, whose probes come from outside), or an IP address.</summary>
    [Required]
    public string Address { get; set; } = "localhost";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Address is not ("localhost" or "*") && !System.Net.IPAddress.TryParse(Address, out _))
        {
            yield return new ValidationResult("must be localhost, * or an IP address.", [nameof(Address)]);
        }
    }
}

/// <summary>The management port this node listens on, resolved at start.</summary>
public sealed record ManagementEndpoint(int Port, string Url);

public static class ManagementPort
{
    private static readonly PathString[] OperationsPaths = ["/health", "/metrics"];

    public static ManagementEndpoint AddManagementPort(this WebApplicationBuilder builder)
    {
        var options = builder.Services.AddValidatedOptions<OperationsOptions>(builder.Configuration, OperationsOptions.Section);
        var port = options.Port != 0 ? options.Port : LoopbackPort.Free();
        var host = options.Address.Contains(':', StringComparison.Ordinal) ? $"[{options.Address}]" : options.Address;
        var endpoint = new ManagementEndpoint(port, $"http://{host}:{port}");
        builder.Services.AddSingleton(endpoint);
        return endpoint;
    }

    /// <summary>
    /// Listens on the public addresses (as ASP.NET Core would: --urls, ASPNETCORE_URLS, HTTP_PORTS, or
    /// localhost:5000) and the management one, and sends each request only where it belongs: first in
    /// the pipeline, so nothing else runs for a request on the wrong port.
    /// </summary>
    public static WebApplication UseManagementPort(this WebApplication app)
    {
        var management = app.Services.GetRequiredService<ManagementEndpoint>();
        if (app.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            throw new InvalidOperationException("Kestrel:Endpoints replaces every address, the management port's too: give the public addresses with --urls (or ASPNETCORE_URLS) instead.");
        }
        if (app.Urls.Count == 0)
        {
            foreach (var url in PublicUrls(app.Configuration)) app.Urls.Add(url);
        }
        if (app.Urls.Any(url => Microsoft.AspNetCore.Http.BindingAddress.Parse(url).Port == management.Port))
        {
            throw new InvalidOperationException($"{OperationsOptions.Section}:Port {management.Port} is also a public port; give it one of its own.");
        }
        app.Urls.Add(management.Url);
        app.Use((context, next) =>
        {
            var onManagement = context.Connection.LocalPort == management.Port;
            if (onManagement == IsOperations(context.Request.Path)) return next(context);
            return Problems.WriteAsync(context, ProblemType.NotFound, onManagement
                ? "The management port serves /health/live, /health/ready and /metrics only."
                : "No such resource.");
        });
        return app;
    }

    private static bool IsOperations(PathString path) => OperationsPaths.Any(path.StartsWithSegments);

    /// <summary>The addresses ASP.NET Core itself would listen on, in its order of precedence.</summary>
    private static IEnumerable<string> PublicUrls(IConfiguration configuration)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls))
        {
            static IEnumerable<string> Ports(string? ports, string scheme) =>
                (ports ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"{scheme}://*:{p}");
            urls = string.Join(';', Ports(configuration[WebHostDefaults.HttpPortsKey], "http").Concat(Ports(configuration[WebHostDefaults.HttpsPortsKey], "https")));
        }
        return string.IsNullOrWhiteSpace(urls) ? ["http://localhost:5000"] : urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
