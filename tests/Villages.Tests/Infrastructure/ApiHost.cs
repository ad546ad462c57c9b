using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Villages.WebApi;
using Villages.WebApi.Auth;
using Villages.WebApi.Operations;
using WebSecurity = Villages.WebApi.Security;

namespace Villages.Tests.Infrastructure;

/// <summary>
/// The real WebApi (co-hosting a silo) on Kestrel at a loopback port, on a fresh PostgreSQL
/// database, configured exactly as Program does. Captures every log line and finished span. Every
/// HttpClient it hands out checks each exchange against the OpenAPI document the service serves
/// (<see cref="OpenApiContract"/>), so no API test passes on behaviour the document does not describe.
/// </summary>
/// <param name="clock">The domain clock the test moves (WIB days, coverage, budget years); the system's when null.</param>
public sealed class ApiHost(IReadOnlyDictionary<string, string?>? settings = null, string environment = "Development", TimeProvider? clock = null) : IAsyncLifetime, IAsyncDisposable
{
    private WebApplication? _app;

    public ApiHost() : this(null) { }

    /// <summary>
    /// The tests' everyday caller: the operator of the village each request's path names, with a
    /// token naming exactly that village (as the access policy requires; a token naming a wider region
    /// gives an operator nothing). Elsewhere (imports, regions) its token names no village: give those
    /// a client of their own (<see cref="OperatorOf"/>, <see cref="ClientFor"/>).
    /// </summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>No token at all.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>No token, on the management port (/health/*, /metrics), which the OpenAPI document does not describe.</summary>
    public HttpClient Management { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;
    public string ConnectionString { get; private set; } = null!;
    public CapturedLogs Logs { get; } = new();
    public List<Activity> Spans { get; } = [];

    /// <summary>
    /// The spans exported so far. The exporter appends from its own thread (group commit flushes
    /// end spans in the background): a copy that meets an append is taken again.
    /// </summary>
    public IReadOnlyList<Activity> SpansSoFar()
    {
        while (true)
        {
            try
            {
                return [.. Spans];
            }
            catch (ArgumentException)
            {
                // the list grew while it was copied
            }
            catch (InvalidOperationException)
            {
                // likewise
            }
        }
    }
    public IServiceProvider Services => _app!.Services;

    /// <summary>The grains of the co-hosted silo, for a test that sets a scene the API cannot (a job's slot held).</summary>
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The service's own OpenAPI document, read once when it first starts.</summary>
    public OpenApiContract Contract { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync("api");
        await StartAsync();
    }

    /// <summary>Stops the whole service and starts it again on the same database.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public async Task DisposeAsync()
    {
        await StopAsync();
        TestPostgres.Release(ConnectionString);
        // A test may have caught the exception of the call that disagreed with the document: the host still tells.
        if (Contract?.Violations is { Count: > 0 } violations) throw new OpenApiContractException([.. violations.Distinct()]);
    }

    private async Task StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Villages"] = ConnectionString,
            ["Villages:Privacy:Secret"] = TestSecrets.Secret,
            ["Villages:Cluster:SiloPort"] = "0",
            ["Villages:Cluster:GatewayPort"] = "0",
            ["Logging:LogLevel:Default"] = "Debug",
            ["Villages:Telemetry:TraceSampleRatio"] = "1",
            ["Villages:Auth:DevelopmentTokens:Enabled"] = "true",
            ["Villages:Demo:Enabled"] = "false",
            ["Villages:Auth:DevelopmentTokens:SigningKey"] = TestSecrets.Secret,
            // Test clients hammer the API from one address and one token: budgets far above their pace.
            ["Villages:RateLimit:PerCallerPerSecond"] = "100000",
            ["Villages:RateLimit:AnonymousPerSecond"] = "100000",
            ["Villages:Operations:Port"] = "0",
            ["Villages:Operations:Address"] = "127.0.0.1",
        });
        builder.Configuration.AddInMemoryCollection(TestCertificates.Settings);
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(Logs);
        if (clock is not null) builder.Services.AddKeyedSingleton(DomainClock.Key, clock);
        builder.AddVillagesWebApi();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
        _app = builder.Build();
        _app.UseVillagesWebApi();
        await _app.StartAsync();
        var management = _app.Services.GetRequiredService<ManagementEndpoint>();
        BaseAddress = new Uri(_app.Urls.First(url => new Uri(url).Port != management.Port));
        Management = new HttpClient { BaseAddress = new Uri(management.Url) };
        if (Contract is null)
        {
            using var plain = new HttpClient { BaseAddress = BaseAddress };
            Contract = new OpenApiContract(await plain.GetStringAsync("/openapi/v1.json"));
        }
        Anonymous = NewClient();
        Http = _app.Services.GetService<DevelopmentTokenIssuer>() is null
            ? Anonymous
            : new HttpClient(new VillageOperatorTokens(this) { InnerHandler = new ContractCheckingHandler(Contract) }) { BaseAddress = BaseAddress };
    }

    /// <summary>The operations of the served OpenAPI document that need a token: their method and operationId.</summary>
    public async Task<List<(string Method, string Id)>> OperationsNeedingATokenAsync()
    {
        using var document = System.Text.Json.JsonDocument.Parse(await Anonymous.GetStringAsync("/openapi/v1.json"));
        return [.. document.RootElement.GetProperty("paths").EnumerateObject().SelectMany(static p => p.Value.EnumerateObject())
            .Where(static o => o.Value.ValueKind == System.Text.Json.JsonValueKind.Object
                && o.Value.TryGetProperty("security", out var security) && security.GetArrayLength() > 0)
            .Select(static o => (o.Name, o.Value.GetProperty("operationId").GetString()!))];
    }

    /// <summary>The operator of exactly these villages (subject test-operator, as <see cref="Http"/>).</summary>
    public HttpClient OperatorOf(params string[] villages) => ClientFor(Token(VillageOperatorTokens.Subject, [WebSecurity.Roles.VillageOperator], villages));

    /// <summary>A token from the development issuer, as POST /dev/tokens would mint it.</summary>
    public string Token(string subject, string[] roles, string[]? regions = null, string? agentId = null, TimeSpan? lifetime = null) =>
        _app!.Services.GetRequiredService<DevelopmentTokenIssuer>().Mint(subject, roles, regions, agentId, lifetime);

    public HttpClient ClientFor(string token)
    {
        var client = NewClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client of its own with no token, whose exchanges are checked against the OpenAPI document.</summary>
    public HttpClient NewClient() => new(new ContractCheckingHandler(Contract)) { BaseAddress = BaseAddress };

    private async Task StopAsync()
    {
        if (_app is null) return;
        Http.Dispose();
        Anonymous.Dispose();
        Management.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public Task<HttpResponseMessage> PutProgram(string code, object body) => Http.PutAsJsonAsync($"/api/villages/{code}/program", body);

    public Task<HttpResponseMessage> Enroll(string code, object body) => Http.PostAsJsonAsync($"/api/villages/{code}/enrollments", body);

    /// <summary>Registers a PERISAI agent for a regency or district (as a national admin): while active, enrolments there may name it.</summary>
    public async Task RegisterAgentAsync(string code, string region, string status = "active", string name = "Agen Uji")
    {
        using var admin = ClientFor(Token("test-admin", [WebSecurity.Roles.NationalAdmin]));
        var response = await admin.PutAsJsonAsync($"/api/agents/{code}", new { name, region, status });
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"PUT /api/agents/{code}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static object Body(EnrollmentRequest w) => new
    {
        nik = w.Nik, name = w.Name, occupation = w.Occupation, monthlyIncome = w.MonthlyIncome,
        programs = w.Programs, agentId = w.AgentId,
    };
}

/// <summary>
/// Signs each request without a token of its own as the operator of the village its path names
/// (/api/villages/{code}/...), one cached token per village; other paths get a token naming no village.
/// </summary>
internal sealed class VillageOperatorTokens(ApiHost host) : DelegatingHandler
{
    public const string Subject = "test-operator";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _tokens = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null)
        {
            var segments = request.RequestUri!.AbsolutePath.Split('/');
            var village = segments is [_, "api", "villages", var code, ..] ? Uri.UnescapeDataString(code) : "";
            var token = _tokens.GetOrAdd(village, static (v, h) =>
                h.Token(Subject, [WebSecurity.Roles.VillageOperator], Regions.RegionCode.IsVillageCode(v) ? [v] : []), host);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Every log message, with its state and exception, kept for inspection.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}
