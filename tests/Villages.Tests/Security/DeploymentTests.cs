using System.Net;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Security;

namespace Villages.Tests.Security;

/// <summary>
/// Hosts of their own, configured as a deployment would be: proxies in front (forwarded headers from
/// configured proxies only), small limits.
/// </summary>
public sealed class DeploymentTests
{
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
