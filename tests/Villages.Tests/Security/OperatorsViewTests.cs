using System.Net;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Security;

/// <summary>What operations staff see: Orleans' dashboard for the national admin, and traces end to end.</summary>
[Collection(ApiCollection.Name)]
public sealed class OperatorsViewTests(ApiFixture api)
{
    [Fact]
    public async Task The_cluster_dashboard_is_for_the_national_admin_only()
    {
        await (await api.Host.Anonymous.GetAsync("/dashboard/")).Problem(401, "unauthenticated");
        using var monitor = api.Host.ClientFor(api.Host.Token("monitor", [Roles.NationalMonitor]));
        await (await monitor.GetAsync("/dashboard/")).Problem(403, "forbidden");
        var admin = api.Host.Token("admin", [Roles.NationalAdmin]);
        using var withHeader = api.Host.ClientFor(admin);
        var page = await withHeader.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync());
        // A page that sees every grain runs only its own scripts and is never framed.
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        // A browser navigating there carries the token in a cookie scoped to the dashboard.
        using var browser = new HttpClient { BaseAddress = api.Host.BaseAddress };
        browser.DefaultRequestHeaders.Add("Cookie", $"{AdminDashboard.Cookie}={admin}");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/")).StatusCode);
    }

    [Fact]
    public async Task One_enrolment_is_one_trace_from_http_through_the_grains_to_postgresql()
    {
        var code = await api.OpenVillage();
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/villages/{code}/enrollments")
        {
            Content = System.Net.Http.Json.JsonContent.Create(ApiHost.Body(Worker())),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");
        Assert.Equal(HttpStatusCode.Created, (await api.Http.SendAsync(request)).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<System.Diagnostics.Activity> trace;
        do
        {
            await Task.Delay(200);
            trace = [.. api.Host.SpansSoFar().Where(s => s.TraceId.ToHexString() == traceId)];
        }
        while (!(Has(trace, "Microsoft.AspNetCore") && Has(trace, "Microsoft.Orleans") && Has(trace, "Npgsql")) && DateTime.UtcNow < deadline);

        Assert.True(Has(trace, "Microsoft.AspNetCore"), Names(trace));
        Assert.True(Has(trace, "Microsoft.Orleans"), Names(trace));
        Assert.True(Has(trace, "Npgsql"), Names(trace));
    }

    private static bool Has(IEnumerable<System.Diagnostics.Activity> spans, string source) =>
        spans.Any(s => s.Source.Name.StartsWith(source, StringComparison.Ordinal));

    private static string Names(IEnumerable<System.Diagnostics.Activity> spans) =>
        string.Join(", ", spans.Select(s => $"{s.Source.Name}:{s.DisplayName}"));
}
