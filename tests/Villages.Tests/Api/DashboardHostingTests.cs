using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Villages.Tests.Api;

/// <summary>How the WebApi serves the dashboard: deep links, the API's own 404s, compression, caching.</summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardHostingTests(ApiFixture api)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/r/35")]
    [InlineData("/r/35.10.01")]
    [InlineData("/v/35.10.01.2001")]
    [InlineData("/imports")]
    [InlineData("/rekonsiliasi")]
    [InlineData("/rekonsiliasi/35.10/0f8fad5b-d9cb-469f-a165-70867728950e")]
    public async Task Every_screen_path_answers_the_page(string path)
    {
        var response = await api.Host.Anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/js/app.js", await response.Content.ReadAsStringAsync());
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task An_unknown_api_path_stays_a_problem_not_the_page()
    {
        var response = await api.Host.Anonymous.GetAsync("/api/r/35");
        await response.Problem(404, "not-found");
    }

    [Fact]
    public async Task Libraries_are_compressed_and_cached_for_a_year()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/lib/uplot-1.6.32/uPlot.iife.min.js");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        var response = await api.Host.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("br", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task The_live_stream_is_never_compressed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/progress/stream?region=35");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await api.Host.Anonymous.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task About_tells_the_page_that_development_sign_in_is_on()
    {
        var about = await api.Host.Anonymous.GetFromJsonAsync<JsonElement>("/api/about");
        Assert.Equal("Development", about.GetProperty("environment").GetString());
        Assert.True(about.GetProperty("developmentTokens").GetBoolean());
        Assert.Contains("nelayan", about.GetProperty("occupations").EnumerateArray().Select(o => o.GetString()));
    }
}
