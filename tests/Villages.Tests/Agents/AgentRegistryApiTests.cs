using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Villages.Tests.Api;
using Villages.WebApi.Security;

namespace Villages.Tests.Agents;

/// <summary>
/// The PERISAI registry over HTTP: registering and changing agents, reading one and a region's list,
/// who may do which, and every bad input answered with its problem and nothing written. Agents of
/// Kabupaten Jember (35.09), which no other test of the collection touches.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AgentRegistryApiTests(ApiFixture api)
{
    private const string Regency = "35.09", District = "35.09.01", OtherDistrict = "35.09.02", OtherRegency = "35.07";

    private HttpClient Officer(string region = Regency, string role = Roles.RegencyOfficer) => api.Host.ClientFor(api.Host.Token($"{role}@{region}", [role], [region]));

    [Fact]
    public async Task A_regency_officer_registers_an_agent_then_changes_it_and_the_same_record_again_changes_nothing()
    {
        using var officer = Officer();
        var created = await officer.PutAsJsonAsync("/api/agents/PRS-3509-001", new { name = "Budi Santoso", region = District, status = "active" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/agents/PRS-3509-001", created.Headers.Location!.OriginalString);
        var agent = await created.Json();
        Assert.Equal(("PRS-3509-001", "Budi Santoso", District, "active", $"{Roles.RegencyOfficer}@{Regency}"),
            (Text(agent, "code"), Text(agent, "name"), Text(agent, "region"), Text(agent, "status"), Text(agent, "updatedBy")));
        Assert.False(string.IsNullOrEmpty(Text(agent, "regionName")));

        var again = await officer.PutAsJsonAsync("/api/agents/PRS-3509-001", new { name = "Budi Santoso", region = District, status = "active" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(Text(agent, "updatedAt"), Text(await again.Json(), "updatedAt")); // nothing was recorded

        var inactive = await (await officer.PutAsJsonAsync("/api/agents/PRS-3509-001", new { name = "Budi Santoso", region = Regency, status = "inactive" })).Json();
        Assert.Equal((Regency, "inactive", Text(agent, "registeredAt")), (Text(inactive, "region"), Text(inactive, "status"), Text(inactive, "registeredAt")));
        var read = await (await officer.GetAsync("/api/agents/PRS-3509-001")).Json();
        Assert.Equal(inactive.ToString(), read.ToString());
    }

    [Fact]
    public async Task A_regions_agents_are_listed_by_code_paged_and_by_status()
    {
        using var officer = Officer();
        foreach (var (code, region, status) in new[] { ("LST-3", District, "active"), ("LST-1", District, "inactive"), ("LST-2", OtherDistrict, "active"), ("LST-4", Regency, "active") })
        {
            (await officer.PutAsJsonAsync($"/api/agents/{code}", new { name = "Agen " + code, region, status })).EnsureSuccessStatusCode();
        }

        var district = await (await officer.GetAsync($"/api/regions/{District}/agents")).Json();
        Assert.Equal(["LST-1", "LST-3"], Codes(district).Where(static c => c.StartsWith("LST-", StringComparison.Ordinal)));
        var regency = await (await officer.GetAsync($"/api/regions/{Regency}/agents?status=active")).Json();
        Assert.Equal(["LST-2", "LST-3", "LST-4"], Codes(regency).Where(static c => c.StartsWith("LST-", StringComparison.Ordinal)));
        Assert.DoesNotContain(regency.GetProperty("items").EnumerateArray(), static a => Text(a, "status") != "active");
        var all = await (await officer.GetAsync($"/api/regions/{Regency}/agents?limit=500")).Json();
        var page = await (await officer.GetAsync($"/api/regions/{Regency}/agents?offset=1&limit=2")).Json();
        Assert.Equal(Codes(all).Skip(1).Take(2), Codes(page));
        Assert.Equal((all.GetProperty("total").GetInt32(), 1, 2), (page.GetProperty("total").GetInt32(), page.GetProperty("offset").GetInt32(), page.GetProperty("limit").GetInt32()));
    }

    [Fact]
    public async Task Only_regency_and_province_officers_of_the_region_and_national_admins_register_agents()
    {
        var body = new { name = "Sri Wahyuni", region = District, status = "active" };
        await (await api.Host.Anonymous.PutAsJsonAsync("/api/agents/ACC-1", body)).Problem(401, "unauthenticated");
        foreach (var (role, region) in new[] { (Roles.VillageOperator, "35.09.01.2001"), (Roles.DistrictOfficer, District), (Roles.BpjsBranch, Regency), (Roles.PerisaiAgent, District), (Roles.NationalMonitor, "ID") })
        {
            using var client = Officer(region, role);
            await (await client.PutAsJsonAsync("/api/agents/ACC-1", body)).Problem(403, "forbidden");
        }
        using var elsewhere = Officer(OtherRegency);
        var refused = await (await elsewhere.PutAsJsonAsync("/api/agents/ACC-1", body)).Problem(403, "forbidden");
        Assert.Contains(District, refused.GetProperty("detail").GetString());
        await (await Officer().GetAsync("/api/agents/ACC-1")).Problem(404, "agent-not-found"); // nothing was written

        using var regency = Officer();
        Assert.Equal(HttpStatusCode.Created, (await regency.PutAsJsonAsync("/api/agents/ACC-1", body)).StatusCode);
        using var province = Officer("35", Roles.ProvinceOfficer);
        Assert.Equal(HttpStatusCode.OK, (await province.PutAsJsonAsync("/api/agents/ACC-1", body with { status = "inactive" })).StatusCode);
        using var admin = api.Host.ClientFor(api.Host.Token("admin", [Roles.NationalAdmin]));
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/agents/ACC-1", body)).StatusCode);

        // Moving the agent to another regency is the business of both: the regency it leaves cannot do it alone.
        await (await regency.PutAsJsonAsync("/api/agents/ACC-1", body with { region = OtherRegency })).Problem(403, "forbidden");
        await (await elsewhere.PutAsJsonAsync("/api/agents/ACC-1", body with { region = OtherRegency })).Problem(403, "forbidden");
        Assert.Equal(District, Text(await (await regency.GetAsync("/api/agents/ACC-1")).Json(), "region"));
        var moved = await (await province.PutAsJsonAsync("/api/agents/ACC-1", body with { region = OtherRegency })).Json();
        Assert.Equal(OtherRegency, Text(moved, "region"));
        Assert.DoesNotContain("ACC-1", Codes(await (await regency.GetAsync($"/api/regions/{Regency}/agents?limit=500")).Json()));
        Assert.Contains("ACC-1", Codes(await (await elsewhere.GetAsync($"/api/regions/{OtherRegency}/agents?limit=500")).Json()));
    }

    [Fact]
    public async Task Officers_branches_and_national_roles_read_the_agents_within_their_scope_and_no_one_else()
    {
        using var officer = Officer();
        (await officer.PutAsJsonAsync("/api/agents/READ-1", new { name = "Dewi", region = District, status = "active" })).EnsureSuccessStatusCode();

        foreach (var (role, region) in new[] { (Roles.RegencyOfficer, Regency), (Roles.ProvinceOfficer, "35"), (Roles.BpjsBranch, Regency), (Roles.NationalMonitor, "ID"), (Roles.NationalAdmin, "ID") })
        {
            using var client = Officer(region, role);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/agents/READ-1")).StatusCode);
            Assert.Contains("READ-1", Codes(await (await client.GetAsync($"/api/regions/{Regency}/agents?limit=500")).Json()));
            Assert.Contains("READ-1", Codes(await (await client.GetAsync($"/api/regions/{District}/agents")).Json()));
        }
        // A district officer reads its district's agents, not the regency's list nor a neighbour's.
        using var districtOfficer = Officer(District, Roles.DistrictOfficer);
        Assert.Equal(HttpStatusCode.OK, (await districtOfficer.GetAsync("/api/agents/READ-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await districtOfficer.GetAsync($"/api/regions/{District}/agents")).StatusCode);
        await (await districtOfficer.GetAsync($"/api/regions/{Regency}/agents")).Problem(403, "forbidden");
        using var neighbour = Officer(OtherDistrict, Roles.DistrictOfficer);
        await (await neighbour.GetAsync("/api/agents/READ-1")).Problem(403, "forbidden");
        await (await neighbour.GetAsync($"/api/regions/{District}/agents")).Problem(403, "forbidden");
        // Operators and agents act on villages: the registry is not theirs to read (a refused enrolment says why).
        foreach (var (role, region) in new[] { (Roles.VillageOperator, "35.09.01.2001"), (Roles.PerisaiAgent, "35.09.01.2001"), (Roles.RegencyOfficer, OtherRegency) })
        {
            using var client = api.Host.ClientFor(api.Host.Token($"{role}@{region}", [role], [region], "READ-1"));
            await (await client.GetAsync("/api/agents/READ-1")).Problem(403, "forbidden");
            await (await client.GetAsync($"/api/regions/{District}/agents")).Problem(403, "forbidden");
        }
        await (await api.Host.Anonymous.GetAsync("/api/agents/READ-1")).Problem(401, "unauthenticated");
        await (await api.Host.Anonymous.GetAsync($"/api/regions/{Regency}/agents")).Problem(401, "unauthenticated");
    }

    public static TheoryData<string, string, string, int, string, string?> BadInputs => new()
    {
        // code, content type, body, status, problem, field
        { "BAD-1", "application/json", """{"region":"35.09","status":"active"}""", 400, "invalid-agent", "name" },
        { "BAD-1", "application/json", """{"name":"  ","region":"35.09","status":"active"}""", 400, "invalid-agent", "name" },
        { "BAD-1", "application/json", """{"name":"Ani","region":"35.09.01.2001","status":"active"}""", 400, "invalid-agent", "region" },
        { "BAD-1", "application/json", """{"name":"Ani","region":"35","status":"active"}""", 400, "invalid-agent", "region" },
        { "BAD-1", "application/json", """{"name":"Ani","region":"35.99","status":"active"}""", 400, "invalid-agent", "region" },
        { "BAD-1", "application/json", """{"name":"Ani","region":"35.09","status":"retired"}""", 400, "invalid-agent", "status" },
        { "BAD-1", "application/json", """{"name":"Ani","region":"35.09"}""", 400, "invalid-agent", "status" },
        { "BAD-1", "application/json", """{"name":"Ani","region":35.09,"status":"active"}""", 400, "malformed-request", null },
        { "BAD-1", "application/json", """{"name":"Ani",""", 400, "malformed-request", null },
        { "BAD-1", "application/json", "null", 400, "malformed-request", null },
        { "BAD-1", "text/plain", "Ani,35.09,active", 415, "unsupported-media-type", null },
        { "BAD-1", "application/json", $$"""{"name":"{{new string('A', 5000)}}","region":"35.09","status":"active"}""", 413, "payload-too-large", null },
        { "BAD%201", "application/json", """{"name":"Ani","region":"35.09","status":"active"}""", 400, "invalid-agent", "code" },
        { new string('B', 41), "application/json", """{"name":"Ani","region":"35.09","status":"active"}""", 400, "invalid-agent", "code" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Every_bad_record_is_a_problem_and_nothing_is_written(string code, string contentType, string body, int status, string problem, string? field)
    {
        using var officer = Officer();
        var answer = await officer.PutAsync($"/api/agents/{code}", new StringContent(body, Encoding.UTF8, contentType));

        var details = await answer.Problem(status, problem);
        if (field is not null) Assert.Equal(field, details.GetProperty("field").GetString());
        await (await officer.GetAsync("/api/agents/BAD-1")).Problem(404, "agent-not-found");
        Assert.DoesNotContain("BAD-1", Codes(await (await officer.GetAsync($"/api/regions/{Regency}/agents?limit=500")).Json()));
    }

    [Theory]
    [InlineData("/api/regions/35/agents", 400, "invalid-region-code")]
    [InlineData("/api/regions/35.09.01.2001/agents", 400, "invalid-region-code")]
    [InlineData("/api/regions/35.99/agents", 404, "region-not-found")]
    [InlineData("/api/regions/35.09/agents?status=retired", 400, "invalid-query")]
    [InlineData("/api/regions/35.09/agents?limit=0", 400, "invalid-query")]
    [InlineData("/api/agents/NOBODY-HERE", 404, "agent-not-found")]
    [InlineData("/api/agents/not%20a%20code", 404, "agent-not-found")]
    public async Task A_bad_read_is_a_problem(string path, int status, string problem)
    {
        using var admin = api.Host.ClientFor(api.Host.Token("admin", [Roles.NationalAdmin]));
        await (await admin.GetAsync(path)).Problem(status, problem);
    }

    private static List<string> Codes(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(static a => Text(a, "code"))];

    private static string Text(JsonElement e, string name) => e.GetProperty(name).ToString();
}
