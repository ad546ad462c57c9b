using System.Net;
using System.Net.Http.Json;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Security;

/// <summary>Who may do what, over real HTTP with real tokens: the policy of AccessPolicy as a table.</summary>
[Collection(ApiCollection.Name)]
public sealed class AccessPolicyTests(ApiFixture api)
{
    private const string Village = "35.10.02.2001", District = "35.10.02", Regency = "35.10", Province = "35";
    private const string OtherVillage = "35.10.03.2001", OtherDistrict = "35.10.03";

    public static TheoryData<string, string> Callers => new()
    {
        // name, expected for: program, enrol, withdraw, read personal  (O = allowed, X = forbidden, A = unauthenticated)
        { "operator", "OOOO" },
        { "agent", "XOXO" },
        { "district-officer", "XXXO" },
        { "regency-officer", "XXXO" },
        { "province-officer", "XXXO" },
        { "national-monitor", "XXXO" },
        { "operator-elsewhere", "XXXX" },
        { "agent-elsewhere", "XXXX" },
        { "officer-elsewhere", "XXXX" },
        { "anonymous", "AAAA" },
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Each_role_may_do_exactly_its_part(string who, string expected)
    {
        using var client = Client(who);
        var setup = await Setup();

        Assert.Equal(Expect(expected[0], HttpStatusCode.OK), (await client.PutAsJsonAsync($"/api/villages/{Village}/program", new { budgetAllocated = 30_000_000 })).StatusCode);
        Assert.Equal(Expect(expected[1], HttpStatusCode.Created), (await client.PostAsJsonAsync($"/api/villages/{Village}/enrollments", ApiHost.Body(Worker()))).StatusCode);
        Assert.Equal(Expect(expected[2], HttpStatusCode.OK), (await client.DeleteAsync($"/api/villages/{Village}/enrollments/{setup}")).StatusCode);
        Assert.Equal(Expect(expected[3], HttpStatusCode.OK), (await client.GetAsync($"/api/villages/{Village}/enrollments")).StatusCode);
        Assert.Equal(Expect(expected[3], HttpStatusCode.OK), (await client.GetAsync($"/api/villages/{Village}/history")).StatusCode);
        // Aggregates are for everyone.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/villages/{Village}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/progress/{Regency}")).StatusCode);
    }

    [Fact]
    public async Task Refusals_are_problems_that_say_why()
    {
        var denied = await Client("officer-elsewhere").GetAsync($"/api/villages/{Village}/enrollments");
        var problem = await denied.Problem(403, "forbidden");
        Assert.Contains(Village, problem.GetProperty("detail").GetString());
        await (await Client("anonymous").PostAsJsonAsync($"/api/villages/{Village}/enrollments", ApiHost.Body(Worker()))).Problem(401, "unauthenticated");
    }

    [Fact]
    public async Task An_agent_enrols_under_the_agent_code_of_its_token()
    {
        using var agent = Client("agent");
        await Setup();
        var created = await (await agent.PostAsJsonAsync($"/api/villages/{Village}/enrollments", ApiHost.Body(Worker()))).Json();
        Assert.Equal("PERISAI-3510-02", created.GetProperty("agentId").GetString());
        await (await agent.PostAsJsonAsync($"/api/villages/{Village}/enrollments", ApiHost.Body(Worker(agentId: "SOMEONE-ELSE")))).Problem(403, "forbidden");
        using var noCode = api.Host.ClientFor(api.Host.Token("agent-without-code", [Roles.PerisaiAgent], [District]));
        await (await noCode.PostAsJsonAsync($"/api/villages/{Village}/enrollments", ApiHost.Body(Worker()))).Problem(403, "forbidden");
    }

    [Fact]
    public async Task A_bad_token_is_401_even_where_no_token_is_needed()
    {
        var expired = api.Host.Token("late", [Roles.NationalMonitor], lifetime: TimeSpan.FromMinutes(-5));
        var unsigned = string.Join('.', api.Host.Token("x", [Roles.NationalMonitor]).Split('.')[..2]) + ".";
        foreach (var token in new[] { expired, unsigned, "not-a-jwt", api.Host.Token("x", [Roles.NationalMonitor])[..^4] + "AAAA" })
        {
            using var client = api.Host.ClientFor(token);
            await (await client.GetAsync("/api/progress")).Problem(401, "unauthenticated");
        }
        var problem = await (await api.Host.ClientFor(expired).GetAsync("/api/progress")).Json();
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
    }

    /// <summary>Opens the programme (again) and enrols one worker to withdraw; returns its enrolment id.</summary>
    private async Task<string> Setup()
    {
        await api.Host.PutProgram(Village, new { budgetAllocated = 500_000_000 });
        await api.Host.RegisterAgentAsync("PERISAI-3510-02", District);
        await api.Host.RegisterAgentAsync("PERISAI-3510-03", OtherDistrict);
        var created = await (await api.Host.Enroll(Village, ApiHost.Body(Worker()))).Json();
        return created.GetProperty("enrollmentId").GetString()!;
    }

    private HttpClient Client(string who) => who switch
    {
        "anonymous" => api.Host.NewClient(),
        "operator" => For(who, Roles.VillageOperator, Village),
        "agent" => For(who, Roles.PerisaiAgent, District, "PERISAI-3510-02"),
        "district-officer" => For(who, Roles.DistrictOfficer, District),
        "regency-officer" => For(who, Roles.RegencyOfficer, Regency),
        "province-officer" => For(who, Roles.ProvinceOfficer, Province),
        "national-monitor" => For(who, Roles.NationalMonitor, null),
        "operator-elsewhere" => For(who, Roles.VillageOperator, OtherVillage),
        "agent-elsewhere" => For(who, Roles.PerisaiAgent, OtherDistrict, "PERISAI-3510-03"),
        _ => For(who, Roles.DistrictOfficer, OtherDistrict),
    };

    private HttpClient For(string subject, string role, string? region, string? agent = null) =>
        api.Host.ClientFor(api.Host.Token(subject, [role], region is null ? null : [region], agent));

    private static HttpStatusCode Expect(char code, HttpStatusCode allowed) => code switch
    {
        'O' => allowed,
        'A' => HttpStatusCode.Unauthorized,
        _ => HttpStatusCode.Forbidden,
    };
}
