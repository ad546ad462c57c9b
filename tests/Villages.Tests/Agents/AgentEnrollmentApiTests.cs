using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Villages.Regions;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.Tests.Progress;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Agents;

/// <summary>
/// Enrolments and the registry: single, batch (JSON and CSV) and regency imports may name only an
/// active agent registered for a region containing the village; a refused row is a problem and
/// changes nothing; what was stored before keeps its agent; an agent's results count the
/// contributions paid for its workers.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AgentEnrollmentApiTests(ApiFixture api)
{
    private static readonly IReadOnlyList<string> MalangDesa = [.. RegionCatalog.Default.AtLevel(RegionLevel.Village)
        .Where(static v => v.Code.StartsWith("35.07.", StringComparison.Ordinal) && v.Kind == VillageKind.Desa).Select(static v => v.Code)];
    private static int _nextVillage;

    [Fact]
    public async Task An_unregistered_inactive_or_out_of_region_agent_is_refused_and_nothing_is_written()
    {
        var village = await OpenVillage();
        var district = village[..8];
        var neighbour = RegionCatalog.Default.Find(village[..5])!.Children.First(d => d.Code != district).Code;
        await api.Host.RegisterAgentAsync("ENR-NEIGHBOUR", neighbour);
        await api.Host.RegisterAgentAsync("ENR-JEMBER", "35.09"); // another regency
        await api.Host.RegisterAgentAsync("ENR-INACTIVE", district, status: "inactive");

        foreach (var (agent, problem) in new[] { ("ENR-NOBODY", "agent-not-registered"), ("ENR-NEIGHBOUR", "agent-not-registered"), ("ENR-JEMBER", "agent-not-registered"), ("ENR-INACTIVE", "agent-inactive") })
        {
            var refused = await (await api.Host.Enroll(village, ApiHost.Body(Worker(agentId: agent)))).Problem(409, problem);
            Assert.Equal("agentId", refused.GetProperty("field").GetString());
            Assert.Contains(agent, refused.GetProperty("detail").GetString());
        }
        using var unregisteredAgent = api.Host.ClientFor(api.Host.Token("agent-nobody", [Roles.PerisaiAgent], [village], "ENR-NOBODY"));
        await (await unregisteredAgent.PostAsJsonAsync($"/api/villages/{village}/enrollments", ApiHost.Body(Worker()))).Problem(409, "agent-not-registered");

        var view = await (await api.Http.GetAsync($"/api/villages/{village}")).Json();
        Assert.Equal((0, 0L), (view.GetProperty("activeEnrollments").GetInt32(), view.GetProperty("program").GetProperty("budgetCommitted").GetInt64()));
        Assert.Equal(0, (await (await api.Http.GetAsync($"/api/villages/{village}/enrollments")).Json()).GetProperty("total").GetInt32());
        Assert.Equal(["program-opened"], (await (await api.Http.GetAsync($"/api/villages/{village}/history")).Json()).GetProperty("items").EnumerateArray().Select(static i => i.GetProperty("kind").GetString()));

        // Active agents of the village's district or regency: accepted, from an operator or the agent's own token.
        await api.Host.RegisterAgentAsync("ENR-DISTRICT", district);
        await api.Host.RegisterAgentAsync("ENR-REGENCY", village[..5]);
        Assert.Equal(HttpStatusCode.Created, (await api.Host.Enroll(village, ApiHost.Body(Worker(agentId: "ENR-DISTRICT")))).StatusCode);
        using var regencyAgent = api.Host.ClientFor(api.Host.Token("agent-regency", [Roles.PerisaiAgent], [village], "ENR-REGENCY"));
        var created = await regencyAgent.PostAsJsonAsync($"/api/villages/{village}/enrollments", ApiHost.Body(Worker()));
        Assert.Equal((HttpStatusCode.Created, "ENR-REGENCY"), (created.StatusCode, (await created.Json()).GetProperty("agentId").GetString()));
    }

    [Fact]
    public async Task A_batch_refuses_only_its_rows_that_name_a_wrong_agent_in_json_and_in_csv()
    {
        var village = await OpenVillage();
        await api.Host.RegisterAgentAsync("BAT-OK", village[..8]);
        await api.Host.RegisterAgentAsync("BAT-OFF", village[..8], status: "inactive");
        object[] rows = [ApiHost.Body(Worker(agentId: "BAT-OK")), ApiHost.Body(Worker(agentId: "BAT-OFF")), ApiHost.Body(Worker(agentId: "BAT-NONE")), ApiHost.Body(Worker()), ApiHost.Body(Worker(agentId: "BAT-OK"))];

        var answer = await (await api.Http.PostAsJsonAsync($"/api/villages/{village}/enrollments/batch", rows)).Json();

        Assert.Equal((3, 2), (answer.GetProperty("created").GetInt32(), answer.GetProperty("rejected").GetInt32()));
        var results = answer.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([201, 409, 409, 201, 201], results.Select(static r => r.GetProperty("status").GetInt32()));
        Assert.Equal(("agent-inactive", "agent-not-registered"), (ErrorCode(results[1]), ErrorCode(results[2])));

        var csv = new StringBuilder("nik,name,occupation,monthlyIncome,programs,agentId\n")
            .Append(NewNik()).Append(",Siti,nelayan,1000000,JKK;JKM,BAT-OK\n")
            .Append(NewNik()).Append(",Budi,petani,1000000,JKK;JKM,BAT-NONE\n");
        var fromCsv = await (await api.Http.PostAsync($"/api/villages/{village}/enrollments/batch", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))).Json();
        Assert.Equal((1, 1), (fromCsv.GetProperty("created").GetInt32(), fromCsv.GetProperty("rejected").GetInt32()));
        Assert.Equal("agent-not-registered", ErrorCode(fromCsv.GetProperty("results")[1]));
        Assert.Equal(4, (await (await api.Http.GetAsync($"/api/villages/{village}")).Json()).GetProperty("activeEnrollments").GetInt32());
    }

    [Fact]
    public async Task A_regency_import_reports_the_rows_whose_agent_is_not_registered_for_their_village()
    {
        var (a, b) = (await OpenVillage(), await OpenVillage());
        await api.Host.RegisterAgentAsync("IMP-A", a[..8]);
        var csv = new StringBuilder("villageCode,nik,name,occupation,monthlyIncome,programs,agentId\n")
            .Append($"{a},{NewNik()},Siti,nelayan,1000000,,IMP-A\n")
            .Append($"{b},{NewNik()},Budi,nelayan,1000000,,{(a[..8] == b[..8] ? "IMP-NONE" : "IMP-A")}\n") // not of b's region
            .Append($"{b},{NewNik()},Wayan,nelayan,1000000,,\n");

        using var importer = api.Host.OperatorOf(a, b);
        var started = await importer.PostAsync("/api/imports", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var status = await Rollups.PollAsync(async () => await (await importer.GetAsync(started.Headers.Location)).Json(), static s => s.GetProperty("state").GetString() != "running");

        Assert.Equal((2, 1), (status.GetProperty("created").GetInt32(), status.GetProperty("rejected").GetInt32()));
        var report = await (await importer.GetAsync($"{started.Headers.Location}/report")).Content.ReadAsStringAsync();
        Assert.Contains(report.Split('\n'), static line => line.StartsWith("3,", StringComparison.Ordinal) && line.Contains("agent-not-registered")); // line 3 of the file
    }

    [Fact]
    public async Task An_enrolment_stored_with_an_agent_the_registry_no_longer_has_for_its_village_keeps_it()
    {
        var village = await OpenVillage();
        await api.Host.RegisterAgentAsync("OLD-AGENT", village[..8]);
        var worker = Worker(agentId: "OLD-AGENT");
        var id = (await (await api.Host.Enroll(village, ApiHost.Body(worker))).Json()).GetProperty("enrollmentId").GetString();
        await api.Host.RegisterAgentAsync("OLD-AGENT", "35.09"); // moved away: like an agent code the first releases accepted unchecked

        // The same call again, and a correction of the worker, record nothing new about the agent: accepted.
        Assert.Equal(HttpStatusCode.OK, (await api.Host.Enroll(village, ApiHost.Body(worker))).StatusCode);
        var repriced = await api.Host.Enroll(village, ApiHost.Body(worker with { MonthlyIncome = 1_500_000 }));
        Assert.Equal((HttpStatusCode.OK, "OLD-AGENT"), (repriced.StatusCode, (await repriced.Json()).GetProperty("agentId").GetString()));
        // Naming it afresh is refused: a new worker, or another agent for this one.
        await (await api.Host.Enroll(village, ApiHost.Body(Worker(agentId: "OLD-AGENT")))).Problem(409, "agent-not-registered");
        await (await api.Host.Enroll(village, ApiHost.Body(worker with { AgentId = "OLD-NOBODY" }))).Problem(409, "agent-not-registered");
        Assert.Equal("OLD-AGENT", (await (await api.Http.GetAsync($"/api/villages/{village}/enrollments/{id}")).Json()).GetProperty("agentId").GetString());
        var agents = await Rollups.PollAsync(() => Agents(village[..8]), static list => list.Any(static a => a.GetProperty("agentId").GetString() == "OLD-AGENT"));
        Assert.Equal(1, agents.Single(static a => a.GetProperty("agentId").GetString() == "OLD-AGENT").GetProperty("enrollments").GetInt32());
    }

    [Fact]
    public async Task An_agent_made_inactive_is_refused_at_once_on_new_enrolments()
    {
        var village = await OpenVillage();
        await api.Host.RegisterAgentAsync("LEAVER", village[..8]);
        var first = Worker(agentId: "LEAVER");
        Assert.Equal(HttpStatusCode.Created, (await api.Host.Enroll(village, ApiHost.Body(first))).StatusCode);

        await api.Host.RegisterAgentAsync("LEAVER", village[..8], status: "inactive");

        await (await api.Host.Enroll(village, ApiHost.Body(Worker(agentId: "LEAVER")))).Problem(409, "agent-inactive");
        Assert.Equal(HttpStatusCode.OK, (await api.Host.Enroll(village, ApiHost.Body(first))).StatusCode);
    }

    [Fact]
    public async Task An_agents_results_show_the_contributions_paid_for_its_workers_months()
    {
        var village = await OpenVillage();
        var district = village[..8];
        await api.Host.RegisterAgentAsync("COMM-1", district);
        foreach (var worker in new[] { Worker(agentId: "COMM-1"), Worker(agentId: "COMM-1"), Worker() })
        {
            Assert.Equal(HttpStatusCode.Created, (await api.Host.Enroll(village, ApiHost.Body(worker))).StatusCode);
        }
        var today = Domain.CoverageCalendar.LocalDate(DateTimeOffset.UtcNow);

        // 30,000 of the month's 50,400: 10,000 for each worker's month.
        Assert.Equal(HttpStatusCode.Created, (await Pay(village, today, "COMM-P1", 30_000)).StatusCode);
        var partly = await Rollups.PollAsync(() => Agent(district, "COMM-1"), static a => a?.GetProperty("contributionsCollected").GetInt64() == 20_000);
        Assert.Equal((2, 33_600L, 20_000L), (partly!.Value.GetProperty("enrollments").GetInt32(), partly.Value.GetProperty("monthlyPremiums").GetInt64(), partly.Value.GetProperty("contributionsCollected").GetInt64()));

        Assert.Equal(HttpStatusCode.Created, (await Pay(village, today, "COMM-P2", 20_400)).StatusCode);
        await Rollups.PollAsync(() => Agent(district, "COMM-1"), static a => a?.GetProperty("contributionsCollected").GetInt64() == 33_600);
        var progress = await Rollups.PollAsync(async () => await (await api.Http.GetAsync($"/api/progress/{village[..5]}")).Json(),
            static p => p.GetProperty("topAgents").EnumerateArray().Any(static a => a.GetProperty("agentId").GetString() == "COMM-1" && a.GetProperty("contributionsCollected").GetInt64() == 33_600));
        Assert.Contains(progress.GetProperty("topAgents").EnumerateArray(), static a => a.GetProperty("agentId").GetString() == "COMM-1" && a.GetProperty("enrollments").GetInt32() == 2);
    }

    /// <summary>A desa of Kabupaten Malang (35.07) with a programme: the fixture's Banyuwangi villages are counted out for the other tests.</summary>
    private async Task<string> OpenVillage()
    {
        var code = MalangDesa[Interlocked.Increment(ref _nextVillage)];
        Assert.Equal(HttpStatusCode.Created, (await api.Host.PutProgram(code, new { budgetAllocated = 20_160_000 })).StatusCode);
        return code;
    }

    private Task<HttpResponseMessage> Pay(string village, DateOnly today, string reference, long amount) =>
        api.Http.PostAsJsonAsync($"/api/villages/{village}/programs/{today.Year}/payments",
            new { reference, paidOn = today.ToString("yyyy-MM-dd"), months = new[] { today.ToString("yyyy-MM") }, amount });

    private async Task<List<JsonElement>> Agents(string region) =>
        [.. (await (await api.Http.GetAsync($"/api/progress/{region}/agents?limit=500")).Json()).EnumerateArray()];

    private async Task<JsonElement?> Agent(string region, string code) =>
        (await Agents(region)).Cast<JsonElement?>().FirstOrDefault(a => a!.Value.GetProperty("agentId").GetString() == code);

    private static string? ErrorCode(JsonElement row) => row.GetProperty("error").GetProperty("code").GetString();
}
