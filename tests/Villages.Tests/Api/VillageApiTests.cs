using System.Net;
using System.Net.Http.Json;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class VillageApiTests(ApiFixture api)
{
    [Fact]
    public async Task A_village_shows_its_place_kind_and_an_unopened_programme()
    {
        var body = await (await api.Http.GetAsync("/api/villages/35.10.01.2001")).Json();
        Assert.Equal("35.10.01.2001", body.GetProperty("code").GetString());
        Assert.Equal("desa", body.GetProperty("kind").GetString());
        Assert.Equal("Kabupaten Banyuwangi", body.GetProperty("regency").GetProperty("name").GetString());
        Assert.Equal("35", body.GetProperty("province").GetProperty("code").GetString());
        Assert.Equal("not-started", body.GetProperty("status").GetString());
        Assert.Equal(100, body.GetProperty("targetWorkers").GetInt32());
    }

    [Theory]
    [InlineData("12.01.01.1001", "kelurahan")]
    [InlineData("12.07.28.1007", "kelurahan")]
    [InlineData("91.03.01.3007", "desa-adat")]
    [InlineData("35.10.01.2001", "desa")]
    public async Task The_kind_comes_from_the_code(string code, string kind)
    {
        var body = await (await api.Http.GetAsync($"/api/villages/{code}")).Json();
        Assert.Equal(kind, body.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task An_unknown_village_is_404_and_a_malformed_code_is_400()
    {
        await (await api.Http.GetAsync("/api/villages/35.10.01.9999")).Problem(404, "village-not-found");
        foreach (var junk in new[] { "35.10.01", "3510012001", "35.10.01.2001x", "..%2F..%2Fetc", "35.10.01.200%20", new string('9', 300) })
        {
            await (await api.Http.GetAsync($"/api/villages/{junk}")).Problem(400, "invalid-village-code");
        }
        // A NUL in the path is refused by Kestrel itself, before any endpoint: still a 400.
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Http.GetAsync("/api/villages/%00")).StatusCode);
    }

    [Fact]
    public async Task Opening_a_programme_answers_201_then_200_with_the_budget()
    {
        var code = api.NextVillage();
        var created = await api.Host.PutProgram(code, new { targetWorkers = 100, budgetAllocated = 20_160_000, coverageMonths = 12, fundingSource = "SD" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var changed = await api.Host.PutProgram(code, new { budgetAllocated = 30_000_000, coverageMonths = 6 });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var program = (await changed.Json()).GetProperty("program");
        Assert.Equal((30_000_000L, 30_000_000L, 6, "SD"), (program.GetProperty("budgetAllocated").GetInt64(),
            program.GetProperty("budgetRemaining").GetInt64(), program.GetProperty("coverageMonths").GetInt32(), program.GetProperty("fundingSource").GetString()));
    }

    [Theory]
    [InlineData("{\"budgetAllocated\":0}", "budgetAllocated")]
    [InlineData("{\"budgetAllocated\":-5}", "budgetAllocated")]
    [InlineData("{\"budgetAllocated\":9000000000000000}", "budgetAllocated")]
    [InlineData("{\"budgetAllocated\":1000,\"targetWorkers\":0}", "targetWorkers")]
    [InlineData("{\"budgetAllocated\":1000,\"targetWorkers\":5000000}", "targetWorkers")]
    [InlineData("{\"budgetAllocated\":1000,\"coverageMonths\":13}", "coverageMonths")]
    [InlineData("{\"budgetAllocated\":1000,\"fundingSource\":\"XX\"}", "fundingSource")]
    [InlineData("{\"budgetAllocated\":1000,\"fundingSource\":\"2\"}", "fundingSource")]
    [InlineData("{}", "budgetAllocated")]
    public async Task Non_positive_or_absurd_programmes_are_400(string json, string field)
    {
        var response = await api.Http.PutAsync($"/api/villages/{api.NextVillage()}/program", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Problem(400, "invalid-program");
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_kelurahan_cannot_be_funded_from_a_village_budget()
    {
        var kelurahan = Regions.RegionCatalog.Default.AtLevel(Regions.RegionLevel.Village).First(v => v.Kind == VillageKind.Kelurahan).Code;
        await (await api.Host.PutProgram(kelurahan, new { budgetAllocated = 1_000_000, fundingSource = "SD" })).Problem(400, "funding-source-not-allowed");
        var defaulted = await (await api.Host.PutProgram(kelurahan, new { budgetAllocated = 1_000_000 })).Json();
        Assert.Equal("SA", defaulted.GetProperty("program").GetProperty("fundingSource").GetString());
    }

    [Fact]
    public async Task Lowering_the_budget_below_what_is_committed_is_409()
    {
        var code = await api.OpenVillage();
        Assert.Equal(HttpStatusCode.Created, (await api.Host.Enroll(code, ApiHost.Body(Workers.Worker()))).StatusCode);
        var problem = await (await api.Host.PutProgram(code, new { budgetAllocated = 100_000 })).Problem(409, "budget-below-committed");
        Assert.Equal(Workers.YearOfUsualPackage, problem.GetProperty("needed").GetInt64());
    }

    [Fact]
    public async Task The_operations_endpoints_answer_on_the_management_port_and_nowhere_else()
    {
        Assert.NotEqual(api.Host.BaseAddress.Port, api.Host.Management.BaseAddress!.Port);
        Assert.Equal(HttpStatusCode.OK, (await api.Host.Management.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Host.Management.GetAsync("/health/ready")).StatusCode);
        await api.Host.Enroll(await api.OpenVillage(), ApiHost.Body(Workers.Worker()));
        var metrics = await api.Host.Management.GetStringAsync("/metrics");
        Assert.Contains("villages_enrollments_total", metrics);
        Assert.Contains("orleans_", metrics);
        Assert.Contains("http_server_request_duration_seconds", metrics);
        Assert.DoesNotContain("aspnetcore_routing_match_attempts", metrics); // per-request instruments nobody reads are not collected
        // The public port, behind the ingress, has none of them, signed in or not.
        foreach (var path in new[] { "/metrics", "/health/ready", "/health/live" })
        {
            await (await api.Http.GetAsync(path)).Problem(404, "not-found");
            await (await api.Host.Anonymous.GetAsync(path)).Problem(404, "not-found");
        }
        // And the management port has nothing of the public one.
        foreach (var path in new[] { "/api/progress", "/openapi/v1.json", "/", "/dashboard/", "/dev/tokens" })
        {
            await (await api.Host.Management.GetAsync(path)).Problem(404, "not-found");
        }
        var openApi = await (await api.Http.GetAsync("/openapi/v1.json")).Json();
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/villages/{code}/enrollments", out _));
        await (await api.Http.GetAsync("/no/such/path")).Problem(404, "not-found");
    }
}
