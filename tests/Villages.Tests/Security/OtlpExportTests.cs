using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Villages.Tests.Infrastructure;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Security;

/// <summary>
/// What an operator's collector receives: the service exports over OTLP (HTTP/protobuf here) to a
/// receiver of the test's own, and one enrolment arrives as one trace with spans from ASP.NET Core,
/// Orleans and Npgsql, and no NIK anywhere in what was sent.
/// </summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();
    private WebApplication _collector = null!;
    private ApiHost _host = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _collector = builder.Build();
        _collector.MapPost("/v1/{signal}", async (HttpContext context, string signal) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            _received.Enqueue((signal, body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
            return Results.Ok();
        });
        await _collector.StartAsync();
        _host = new ApiHost(new Dictionary<string, string?>
        {
            ["Villages:Telemetry:OtlpEndpoint"] = _collector.Urls.First(),
            ["Villages:Telemetry:OtlpProtocol"] = "http/protobuf",
        });
        await _host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task An_enrolment_reaches_the_collector_as_one_trace_from_http_through_the_grains_to_postgresql()
    {
        var code = RegionsForTests.BanyuwangiDesa[2];
        (await _host.PutProgram(code, new { targetWorkers = 100, budgetAllocated = 20_160_000, coverageMonths = 12, fundingSource = "SD" })).EnsureSuccessStatusCode();
        var worker = Worker();
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/villages/{code}/enrollments")
        {
            Content = System.Net.Http.Json.JsonContent.Create(ApiHost.Body(worker)),
        };
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-b7ad6b7169203331-01");
        Assert.Equal(HttpStatusCode.Created, (await _host.Http.SendAsync(request)).StatusCode);

        // OTLP carries the trace id as 16 raw bytes and scope names as UTF-8 strings.
        var id = Convert.FromHexString(traceId.ToHexString());
        string[] scopes = ["Microsoft.AspNetCore", "Microsoft.Orleans", "Npgsql"];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<byte[]> ours;
        do
        {
            await Task.Delay(250);
            ours = [.. _received.Where(r => r.Path == "traces" && r.Body.AsSpan().IndexOf(id) >= 0).Select(r => r.Body)];
        }
        while (!scopes.All(s => ours.Any(b => Contains(b, s))) && DateTime.UtcNow < deadline);

        Assert.All(scopes, s => Assert.True(ours.Any(b => Contains(b, s)), $"No span from {s} in the trace the collector received ({ours.Count} export requests with it)."));
        // Metrics go every minute, and once more when the service stops.
        await _host.DisposeAsync();
        Assert.Contains(_received, r => r.Path == "metrics" && Contains(r.Body, "villages.enrollments"));
        Assert.DoesNotContain(_received, r => Contains(r.Body, worker.Nik!));
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
