using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Villages.Regions;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Progress;

/// <summary>
/// The real service over HTTP on a database of its own, so no other test's villages show in its
/// regions; each progress test works in regions of its own.
/// </summary>
public sealed class ProgressApiFixture : IAsyncLifetime
{
    public ApiHost Host { get; } = new();

    /// <summary>Asked each time: a restarted service has a new client.</summary>
    public HttpClient Http => Host.Http;

    public Task InitializeAsync() => Host.InitializeAsync();

    public Task DisposeAsync() => Host.DisposeAsync();

    public static Region Find(string code) => RegionCatalog.Default.Find(code)!;

    /// <summary>Opens a programme; the funding source is the default for the village's kind.</summary>
    public async Task OpenAsync(string village, int target, long budget = 100 * Workers.YearOfUsualPackage)
    {
        var response = await Host.PutProgram(village, new { targetWorkers = target, budgetAllocated = budget });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>Enrols a worker (201) and returns the enrolment id.</summary>
    public async Task<string> EnrollAsync(string village, EnrollmentRequest worker)
    {
        var response = await Host.Enroll(village, ApiHost.Body(worker));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json()).GetProperty("enrollmentId").GetString()!;
    }

    /// <summary>Several workers of the usual package in one village, optionally for one agent.</summary>
    public async Task EnrollManyAsync(string village, int count, string? agentId = null, long income = 1_000_000)
    {
        for (var i = 0; i < count; i++) await EnrollAsync(village, Workers.Worker(agentId: agentId, income: income));
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        var response = await Http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Json();
    }

    /// <summary>Reads until the answer is what we wait for (bounded: the figures are stale by design for a moment).</summary>
    public async Task<JsonElement> PollAsync(string path, Func<JsonElement, bool> done)
    {
        var last = await Rollups.PollAsync(() => GetAsync(path), done);
        var answer = last.ToString();
        Assert.True(done(last), $"GET {path} never showed what was expected; last answer: {answer[..Math.Min(answer.Length, 800)]}");
        return last;
    }

    public static int Int(JsonElement json, string property) => json.GetProperty(property).GetInt32();

    public static long Long(JsonElement json, string property) => json.GetProperty(property).GetInt64();

    public static IEnumerable<JsonElement> Items(JsonElement json, string property) => json.GetProperty(property).EnumerateArray();
}

[CollectionDefinition(Name)]
public sealed class ProgressApiCollection : ICollectionFixture<ProgressApiFixture>
{
    public const string Name = "progress-api";
}
