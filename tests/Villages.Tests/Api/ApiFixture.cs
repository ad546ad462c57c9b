using System.Net.Http.Json;
using System.Text.Json;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Api;

/// <summary>One running service for the API tests; each test takes its own villages.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private int _nextVillage = 100;

    public ApiHost Host { get; } = new();
    public HttpClient Http => Host.Http;

    public string NextVillage() => Workers.TestVillage(Interlocked.Increment(ref _nextVillage));

    /// <summary>A village with an open programme for 100 workers.</summary>
    public async Task<string> OpenVillage(long budget = 20_160_000)
    {
        var code = NextVillage();
        var response = await Host.PutProgram(code, new { budgetAllocated = budget });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return code;
    }

    public Task InitializeAsync() => Host.InitializeAsync();

    public Task DisposeAsync() => Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

public static class Responses
{
    public static async Task<JsonElement> Json(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts an RFC 9457 problem with the expected status and stable type; returns its body.</summary>
    public static async Task<JsonElement> Problem(this HttpResponseMessage response, int status, string code)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Json();
        Assert.Equal($"/problems/{code}", body.GetProperty("type").GetString());
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
        return body;
    }
}
