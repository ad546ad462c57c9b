using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.IdentityModel.Tokens;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Auth;
using Villages.WebApi.Security;

namespace Villages.Tests.Security;

/// <summary>
/// Hosts of their own, configured as a deployment would be: proxies in front (forwarded headers from
/// configured proxies only), production (no token issuer, no demo, HSTS), small limits.
/// </summary>
public sealed class DeploymentTests
{
    private const string Batu = "35.79"; // Kota Batu: 24 villages, quick for the demo to open

    [Fact]
    public async Task Behind_a_configured_proxy_each_client_has_its_own_budget_and_streams()
    {
        await using var host = await StartAsync(new()
        {
            ["Villages:ForwardedHeaders:KnownProxies:0"] = "192.0.2.1, 127.0.0.1",
            ["Villages:RateLimit:AnonymousPerSecond"] = "1",
            ["Villages:RateLimit:BurstSeconds"] = "3",
            ["Villages:Limits:StreamsPerCaller"] = "1",
        });
        await SpendAsync(host.Anonymous, "203.0.113.1");
        // The proxy forwarded another client: a budget of its own.
        Assert.Equal(HttpStatusCode.OK, (await GetAs(host.Anonymous, "203.0.113.2")).StatusCode);
        // Signed in, a caller is its token's subject, wherever it comes from.
        using var signedIn = host.ClientFor(host.Token("monitor", [Roles.NationalMonitor], ["ID"]));
        Assert.Equal(HttpStatusCode.OK, (await GetAs(signedIn, "203.0.113.1")).StatusCode);

        // Streams too are counted per client behind the proxy (one each here).
        using var first = await OpenAs(host.Anonymous, "203.0.113.3");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await OpenAs(host.Anonymous, "203.0.113.3");
        await LimitsTests.RefusedAsync(second, "too-many-streams");
        using var another = await OpenAs(host.Anonymous, "203.0.113.4");
        Assert.Equal(HttpStatusCode.OK, another.StatusCode);
    }

    [Fact]
    public async Task Without_configured_proxies_a_forwarded_address_changes_nothing()
    {
        await using var host = await StartAsync(new()
        {
            ["Villages:RateLimit:AnonymousPerSecond"] = "1",
            ["Villages:RateLimit:BurstSeconds"] = "3",
            ["Villages:Limits:StreamsPerCaller"] = "1",
        });
        // Claiming to be someone else gets no stream of one's own...
        using var first = await OpenAs(host.Anonymous, "203.0.113.1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await OpenAs(host.Anonymous, "203.0.113.2");
        await LimitsTests.RefusedAsync(second, "too-many-streams");
        // ...nor a fresh budget: twenty "clients" share the connection's one request a second.
        var answers = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => GetAs(host.Anonymous, $"198.51.100.{i}")));
        Assert.True(answers.Count(static a => a.StatusCode == HttpStatusCode.OK) < 10, "forwarded addresses were believed");
        await answers.First(static a => a.StatusCode == HttpStatusCode.TooManyRequests).Problem(429, "rate-limited");
    }

    /// <summary>Replaces a test whose "writes need a real token" was shown with no token at all, which could not fail.</summary>
    [Fact]
    public async Task In_production_with_the_flags_on_there_is_no_token_issuer_no_demo_and_no_development_token_counts()
    {
        var flags = new Dictionary<string, string?>
        {
            ["Villages:Auth:DevelopmentTokens:Enabled"] = "true",
            ["Villages:Demo:Enabled"] = "true",
            ["Villages:Demo:Regency"] = Batu,
            ["Villages:Demo:EnrollmentsPerSecond"] = "20",
            ["Villages:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        };
        // The same settings in Development: the issuer answers, the token works, the demo opens programmes within seconds.
        var demoTook = Stopwatch.StartNew();
        await using (var development = await StartAsync(flags))
        {
            Assert.Equal(HttpStatusCode.OK, (await development.Anonymous.PostAsJsonAsync("/dev/tokens", new { subject = "x", roles = new[] { "village-operator" } })).StatusCode);
            using var client = development.ClientFor(MintWithTheDevelopmentKey());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/villages/35.10.01.2001/history")).StatusCode);
            await DemoOpenedProgrammesAsync(development);
            Assert.Null(Hsts(await Over(development, "https")));
        }
        demoTook.Stop();

        await using var production = await StartAsync(flags, "Production");
        await (await production.Anonymous.PostAsJsonAsync("/dev/tokens", new { subject = "x", roles = new[] { "village-operator" } })).Problem(404, "not-found");
        Assert.False((await (await production.Anonymous.GetAsync("/api/about")).Json()).GetProperty("developmentTokens").GetBoolean());
        using (var client = production.ClientFor(MintWithTheDevelopmentKey()))
        {
            await (await client.GetAsync("/api/villages/35.10.01.2001/history")).Problem(401, "unauthenticated");
            await (await client.PutAsJsonAsync("/api/villages/35.10.01.2001/program", new { budgetAllocated = 1_000_000 })).Problem(401, "unauthenticated");
        }
        // Twice as long as the demo needed in Development, and not one programme.
        await Task.Delay(demoTook.Elapsed + TimeSpan.FromSeconds(2));
        var batu = await (await production.Anonymous.GetAsync($"/api/progress/{Batu}")).Json();
        Assert.Equal(0, batu.GetProperty("totals").GetProperty("villagesWithProgram").GetInt32());
        Assert.Contains(production.Logs.Lines, l => l.Contains("Villages:Demo:Enabled is ignored in the Production environment", StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_production_a_response_over_https_carries_hsts()
    {
        await using var production = await StartAsync(new() { ["Villages:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" }, "Production");
        Assert.Equal("max-age=31536000", Hsts(await Over(production, "https")));
        Assert.Null(Hsts(await Over(production, "http")));
    }

    private static string? Hsts(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Strict-Transport-Security", out var values) ? values.Single() : null;

    private static async Task<HttpResponseMessage> Over(ApiHost host, string scheme)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/progress");
        request.Headers.Host = "villages.example"; // HSTS is never sent to localhost
        request.Headers.Add("X-Forwarded-Proto", scheme);
        return await host.Anonymous.SendAsync(request);
    }

    private static string MintWithTheDevelopmentKey() =>
        new DevelopmentTokenIssuer(new SymmetricSecurityKey(Convert.FromBase64String(TestSecrets.Secret)), new AuthOptions(), TimeProvider.System)
            .Mint("national", [Roles.NationalMonitor], ["ID"]);

    private static async Task DemoOpenedProgrammesAsync(ApiHost host)
    {
        for (var attempt = 0; ; attempt++)
        {
            var batu = await (await host.Anonymous.GetAsync($"/api/progress/{Batu}")).Json();
            if (batu.GetProperty("totals").GetProperty("villagesWithProgram").GetInt32() > 0) return;
            Assert.True(attempt < 600, "the demo opened no programme within a minute in Development");
            await Task.Delay(100);
        }
    }

    /// <summary>Requests from one forwarded client until its budget (one a second) is spent.</summary>
    private static async Task SpendAsync(HttpClient client, string address)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => GetAs(client, address)));
        var refused = answers.FirstOrDefault(static a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused);
        await refused.Problem(429, "rate-limited");
    }

    private static Task<HttpResponseMessage> GetAs(HttpClient client, string address)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/progress");
        request.Headers.Add("X-Forwarded-For", address);
        return client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> OpenAs(HttpClient client, string address)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/progress/stream?region=35");
        request.Headers.Add("X-Forwarded-For", address);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static async Task<ApiHost> StartAsync(Dictionary<string, string?> settings, string environment = "Development")
    {
        var host = new ApiHost(settings, environment);
        await host.InitializeAsync();
        return host;
    }
}
