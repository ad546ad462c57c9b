using System.Net;
using System.Net.Http.Json;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Security;

[Collection(ApiCollection.Name)]
public sealed class HardeningTests(ApiFixture api)
{
    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        foreach (var path in new[] { "/api/progress", "/api/villages/35.10.01.2001", "/no/such/path" })
        {
            var response = await api.Http.GetAsync(path);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            // Progress is public and carries an ETag: kept, but asked again every time; the rest is never stored.
            Assert.True(path == "/api/progress" ? response.Headers.CacheControl?.NoCache : response.Headers.CacheControl?.NoStore, path);
        }
    }

    [Fact]
    public async Task Development_tokens_are_minted_on_request()
    {
        var minted = await (await api.Host.Anonymous.PostAsJsonAsync("/dev/tokens", new { subject = "op-1", roles = new[] { "village-operator" }, regions = new[] { "35.10.01.2001" } })).Json();
        using var client = api.Host.ClientFor(minted.GetProperty("token").GetString()!);
        var opened = await client.PutAsJsonAsync("/api/villages/35.10.01.2001/program", new { budgetAllocated = 1_000_000 });
        Assert.True(opened.IsSuccessStatusCode, $"{opened.StatusCode}");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync("/api/villages/35.10.01.2002/program", new { budgetAllocated = 1_000_000 })).StatusCode);
        await (await api.Host.Anonymous.PostAsJsonAsync("/dev/tokens", new { subject = "x", roles = new[] { "emperor" } })).Problem(400, "malformed-request");
    }
}

/// <summary>A host of its own, with tight rate limits (production-like hosts: <see cref="DeploymentTests"/>).</summary>
public sealed class HostOptionsTests
{
    [Fact]
    public async Task A_client_over_its_budget_gets_429_with_retry_after_and_others_are_not_affected()
    {
        var host = new ApiHost(new Dictionary<string, string?> { ["Villages:RateLimit:AnonymousPerSecond"] = "5", ["Villages:RateLimit:BurstSeconds"] = "1" });
        await host.InitializeAsync();
        try
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => host.Anonymous.GetAsync("/api/progress")));
            var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.NotEmpty(limited);
            Assert.NotNull(limited[0].Headers.RetryAfter);
            await limited[0].Problem(429, "rate-limited");
            Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/progress")).StatusCode);   // a signed-in caller has its own budget
            Assert.Equal(HttpStatusCode.OK, (await host.Management.GetAsync("/health/live")).StatusCode); // probes are never limited
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
