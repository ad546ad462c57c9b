using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Villages.Domain;
using Villages.Regions;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.Tests.Progress;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Security;

/// <summary>
/// Who may do what, and where, over real HTTP with real tokens: every role x every endpoint that
/// needs a token x a token naming a region inside, outside or wider than the village. The same
/// rules as a pure table: tests/Villages.Specs/Security/AccessPolicySpecs.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AccessPolicyTests(ApiFixture api)
{
    private static readonly int NextYear = CoverageCalendar.Year(TimeProvider.System.GetUtcNow()) + 1;
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static Scene? _scene;

    /// <summary>Every operation of the OpenAPI document that needs a token, in the order of the expectations below.</summary>
    private static readonly string[] Endpoints =
    [
        "putProgram", "putYearProgram", "renew", "enroll", "enrollBatch", "withdraw", "listEnrollments", "listEndingSoon", "getEnrollment",
        "getHistory", "exportVillage", "exportRegion", "startImport", "getImport", "getImportReport", "lookupCoverage", "listCoverageLookups",
        "startRegionRenewal", "getRenewalJob", "getRenewalJobReport", "getDues", "recordPayment", "reinstate", "startReconciliation",
        "getReconciliation", "getReconciliationReport", "putAgent", "getAgent", "listAgents",
    ];

    /// <summary>Inside its scope (the village, its district, regency or province): Y allowed, . refused. Outside it or wider: all refused, except the national roles.</summary>
    private static readonly Dictionary<string, string> Inside = new()
    {
        //                         prog year renw enrl btch wdrw list soon one  hist expV expR imp  impS impR look lks  rRnw job  jobR dues pay  rein rec  recS recR agnt agt1 agts
        [Roles.VillageOperator] = "Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    .    Y    .    .    Y    .    .    .    .    Y    Y    .    .    .    .    .    .    .",
        [Roles.PerisaiAgent] = "   .    .    .    Y    Y    .    Y    Y    Y    Y    .    .    Y    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
        [Roles.DistrictOfficer] = ".    .    .    .    .    .    Y    Y    Y    Y    .    .    .    .    .    Y    .    .    .    .    Y    .    .    .    .    .    .    Y    Y",
        [Roles.RegencyOfficer] = " .    .    .    .    .    .    Y    Y    Y    Y    .    .    .    .    .    Y    .    Y    .    .    Y    .    .    .    .    .    Y    Y    Y",
        [Roles.ProvinceOfficer] = ".    .    .    .    .    .    Y    Y    Y    Y    .    .    .    .    .    Y    .    Y    .    .    Y    .    .    .    .    .    Y    Y    Y",
        [Roles.BpjsBranch] = "     .    .    .    .    .    .    Y    Y    Y    Y    Y    Y    .    .    .    Y    .    .    .    .    Y    .    Y    Y    Y    Y    .    Y    Y",
        [Roles.NationalMonitor] = ".    .    .    .    .    .    Y    Y    Y    Y    .    .    .    Y    Y    Y    Y    .    Y    Y    Y    .    .    .    .    .    .    Y    Y",
        [Roles.NationalAdmin] = "  .    .    .    .    .    .    Y    Y    Y    Y    .    .    .    Y    Y    Y    Y    .    Y    Y    Y    .    .    .    .    .    Y    Y    Y",
    };

    public static TheoryData<string, string> Callers()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in Roles.All) foreach (var scope in new[] { "inside", "outside", "wider" }) data.Add(role, scope);
        return data;
    }

    [Fact]
    public async Task The_table_names_every_operation_that_needs_a_token()
    {
        var secured = await api.Host.OperationsNeedingATokenAsync();
        Assert.Equal(secured.Select(static o => o.Id).Order(), Endpoints.Order());
        Assert.All(Inside.Values, row => Assert.Equal(Endpoints.Length, Cells(row).Length));
        Assert.Equal(Roles.All.Order(), Inside.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Each_role_may_do_exactly_its_part_and_only_in_its_scope(string role, string scope)
    {
        var scene = await SceneAsync();
        using var client = api.Host.ClientFor(api.Host.Token($"{role}-{scope}", [role], TokenRegions(role, scope, scene.Village), "PERISAI-" + scope));
        var national = Roles.ScopeLevel(role) == RegionLevel.Nation;
        var expected = Cells(Inside[role]).Select(y => y && (scope == "inside" || national)).ToArray();
        var withdrawn = (await (await api.Host.Enroll(scene.Village, ApiHost.Body(Worker()))).Json()).GetProperty("enrollmentId").GetString();

        var failures = new List<string>();
        for (var i = 0; i < Endpoints.Length; i++)
        {
            var allowed = await Try(Endpoints[i], client, scene, withdrawn!);
            if (allowed != expected[i]) failures.Add($"{Endpoints[i]}: {(allowed ? "allowed" : "refused")}, expected {(expected[i] ? "allowed" : "refused")}");
        }
        Assert.True(failures.Count == 0, $"{role} {scope}: {string.Join("; ", failures)}");
    }

    [Fact]
    public async Task Refusals_are_problems_that_say_why()
    {
        var scene = await SceneAsync();
        using var elsewhere = api.Host.ClientFor(api.Host.Token("officer-elsewhere", [Roles.DistrictOfficer], ["36.01.01"]));
        var problem = await (await elsewhere.GetAsync($"/api/villages/{scene.Village}/enrollments")).Problem(403, "forbidden");
        Assert.Contains(scene.Village, problem.GetProperty("detail").GetString());
        using var wide = api.Host.ClientFor(api.Host.Token("operator-of-a-regency", [Roles.VillageOperator], [scene.Village[..5]]));
        var refused = await (await wide.PostAsJsonAsync($"/api/villages/{scene.Village}/enrollments", ApiHost.Body(Worker()))).Problem(403, "forbidden");
        Assert.Contains("a wider region gives it nothing", refused.GetProperty("detail").GetString());
        await (await api.Host.Anonymous.PostAsJsonAsync($"/api/villages/{scene.Village}/enrollments", ApiHost.Body(Worker()))).Problem(401, "unauthenticated");
    }

    [Fact]
    public async Task An_agent_enrols_under_the_agent_code_of_its_token()
    {
        var scene = await SceneAsync();
        using var agent = api.Host.ClientFor(api.Host.Token("agent", [Roles.PerisaiAgent], [scene.Village], "PERISAI-3510-02"));
        var created = await (await agent.PostAsJsonAsync($"/api/villages/{scene.Village}/enrollments", ApiHost.Body(Worker()))).Json();
        Assert.Equal("PERISAI-3510-02", created.GetProperty("agentId").GetString());
        await (await agent.PostAsJsonAsync($"/api/villages/{scene.Village}/enrollments", ApiHost.Body(Worker(agentId: "SOMEONE-ELSE")))).Problem(403, "forbidden");
        using var noCode = api.Host.ClientFor(api.Host.Token("agent-without-code", [Roles.PerisaiAgent], [scene.Village]));
        var problem = await (await noCode.PostAsJsonAsync($"/api/villages/{scene.Village}/enrollments", ApiHost.Body(Worker()))).Problem(403, "forbidden");
        Assert.Contains("agent_id", problem.GetProperty("detail").GetString());
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

    /// <summary>Calls the endpoint for the scene's village: true when allowed (its success status), false when refused (a 403 problem).</summary>
    private async Task<bool> Try(string endpoint, HttpClient client, Scene scene, string withdrawn)
    {
        var v = scene.Village;
        var (response, success) = endpoint switch
        {
            "putProgram" => (await client.PutAsJsonAsync($"/api/villages/{v}/program", new { budgetAllocated = 500_000_000 }), 200),
            "putYearProgram" => (await client.PutAsJsonAsync($"/api/villages/{v}/programs/{NextYear}", new { budgetAllocated = 500_000_000 }), 200),
            "renew" => (await client.PostAsync($"/api/villages/{v}/programs/{NextYear}/renewals", null), 200),
            "enroll" => (await client.PostAsJsonAsync($"/api/villages/{v}/enrollments", ApiHost.Body(Worker())), 201),
            "enrollBatch" => (await client.PostAsJsonAsync($"/api/villages/{v}/enrollments/batch", new[] { ApiHost.Body(Worker()) }), 200),
            "withdraw" => (await client.DeleteAsync($"/api/villages/{v}/enrollments/{withdrawn}"), 200),
            "listEnrollments" => (await client.GetAsync($"/api/villages/{v}/enrollments"), 200),
            "listEndingSoon" => (await client.GetAsync($"/api/villages/{v}/enrollments/ending-soon"), 200),
            "getEnrollment" => (await client.GetAsync($"/api/villages/{v}/enrollments/{scene.Enrollment}"), 200),
            "getHistory" => (await client.GetAsync($"/api/villages/{v}/history"), 200),
            "exportVillage" => (await client.GetAsync($"/api/villages/{v}/enrollments/export"), 200),
            "exportRegion" => (await client.GetAsync($"/api/regions/{v[..8]}/enrollments/export"), 200),
            "startImport" => (await client.PostAsync("/api/imports", Csv($"villageCode,nik,name,occupation,monthlyIncome\n{v},{NewNik()},Rina,petani,1000000\n")), 202),
            "getImport" => (await client.GetAsync($"/api/imports/{scene.Import}"), 200),
            "getImportReport" => (await client.GetAsync($"/api/imports/{scene.Import}/report"), 200),
            "lookupCoverage" => (await client.PostAsJsonAsync("/api/coverage/lookup", new { nik = scene.Nik, date = scene.Today }), 200),
            "listCoverageLookups" => (await client.GetAsync("/api/coverage/lookups"), 200),
            "startRegionRenewal" => (await client.PostAsJsonAsync($"/api/regions/{v[..8]}/renewals", new { year = NextYear }), 202),
            "getRenewalJob" => (await client.GetAsync($"/api/renewals/{scene.RenewalJob}"), 200),
            "getRenewalJobReport" => (await client.GetAsync($"/api/renewals/{scene.RenewalJob}/report"), 200),
            "getDues" => (await client.GetAsync($"/api/villages/{v}/programs/{scene.Today[..4]}/dues"), 200),
            "recordPayment" => (await client.PostAsJsonAsync($"/api/villages/{v}/programs/{scene.Today[..4]}/payments",
                new { reference = Guid.NewGuid().ToString("N"), paidOn = scene.Today, months = new[] { scene.Today[..7] }, amount = 16_800 }), 201),
            "reinstate" => (await client.PostAsJsonAsync($"/api/villages/{v}/programs/{scene.Today[..4]}/reinstatements",
                new { enrollmentIds = new[] { scene.Enrollment }, reason = "dana cair" }), 200),
            "startReconciliation" => (await client.PostAsync($"/api/regions/{v[..5]}/reconciliations",
                Csv($"nik,kpj,status,registeredOn\n{scene.Nik},{scene.Kpj},registered,{scene.Today}\n")), 202),
            "getReconciliation" => (await client.GetAsync($"/api/regions/{v[..5]}/reconciliations/{scene.Reconciliation}"), 200),
            "getReconciliationReport" => (await client.GetAsync($"/api/regions/{v[..5]}/reconciliations/{scene.Reconciliation}/report"), 200),
            "putAgent" => (await client.PutAsJsonAsync($"/api/agents/TBL-{Guid.NewGuid():N}", new { name = "Agen Tabel", region = v[..8], status = "active" }), 201),
            "getAgent" => (await client.GetAsync($"/api/agents/{scene.Agent}"), 200),
            "listAgents" => (await client.GetAsync($"/api/regions/{v[..8]}/agents"), 200),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null),
        };
        using (response)
        {
            if ((int)response.StatusCode == 403)
            {
                await response.Problem(403, "forbidden");
                return false;
            }
            Assert.True((int)response.StatusCode == success, $"{endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (endpoint == "lookupCoverage") Assert.Equal(v, (await response.Json()).GetProperty("villageCode").GetString());
            // An import is let in by any village of the caller's; this village's row is what counts.
            if (endpoint == "startImport") return (await Finished(client, response.Headers.Location!)).GetProperty("created").GetInt32() == 1;
            // A job left running would renew the workers of other tests' villages while they count them.
            if (endpoint == "startRegionRenewal") await Finished(client, response.Headers.Location!);
            return true;
        }
    }

    /// <summary>The token's regions: the village's own level region, another province's, or the next one up.</summary>
    private static string[] TokenRegions(string role, string scope, string village)
    {
        var level = Roles.ScopeLevel(role);
        var own = level switch
        {
            RegionLevel.Village => village,
            RegionLevel.District => village[..8],
            RegionLevel.Regency => village[..5],
            RegionLevel.Province => village[..2],
            _ => "ID",
        };
        return scope switch
        {
            "inside" => level == RegionLevel.Nation ? [] : [own],
            "outside" => level == RegionLevel.Nation ? ["36"] : ["36.01.01.2001"[..own.Length]],
            _ => [RegionCode.Parent(own == "ID" ? "35" : own)],
        };
    }

    /// <summary>One village with this year's and next year's programmes, a worker, an import and a renewal job, made once for every row.</summary>
    private async Task<Scene> SceneAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (_scene is not null) return _scene;
            var village = await api.OpenVillage(500_000_000);
            // The agents the rows enrol under (an agent's token names its code) and the one they read.
            foreach (var agent in new[] { "PERISAI-inside", "PERISAI-3510-02", "TBL-SCENE" }) await api.Host.RegisterAgentAsync(agent, village[..8]);
            (await api.Http.PutAsJsonAsync($"/api/villages/{village}/programs/{NextYear}", new { budgetAllocated = 500_000_000 })).EnsureSuccessStatusCode();
            var worker = Worker();
            var enrolled = await (await api.Host.Enroll(village, ApiHost.Body(worker))).Json();
            using var owner = api.Host.OperatorOf(village);
            var import = await (await owner.PostAsync("/api/imports", Csv($"villageCode,nik,name,occupation,monthlyIncome\n{village},{NewNik()},Rina,petani,1000000\n"))).Json();
            using var officer = api.Host.ClientFor(api.Host.Token("setup-officer", [Roles.RegencyOfficer], [village[..5]]));
            var started = await officer.PostAsJsonAsync($"/api/regions/{village[..8]}/renewals", new { year = NextYear });
            var job = await Finished(officer, started.Headers.Location!);
            var today = CoverageCalendar.LocalDate(TimeProvider.System.GetUtcNow()).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var kpj = Random.Shared.NextInt64(10_000_000_000, 99_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var branch = api.Host.ClientFor(api.Host.Token("setup-branch", [Roles.BpjsBranch], [village[..5]]));
            var reconciliation = await Finished(branch, (await branch.PostAsync($"/api/regions/{village[..5]}/reconciliations",
                Csv($"nik,kpj,status,registeredOn\n{worker.Nik},{kpj},registered,{today}\n"))).Headers.Location!);
            return _scene = new Scene(village, enrolled.GetProperty("enrollmentId").GetString()!, worker.Nik!, today,
                import.GetProperty("id").GetString()!, job.GetProperty("id").GetString()!, reconciliation.GetProperty("id").GetString()!, kpj, "TBL-SCENE");
        }
        finally
        {
            Once.Release();
        }
    }

    private static async Task<JsonElement> Finished(HttpClient client, Uri location) =>
        await Rollups.PollAsync(async () => await (await client.GetAsync(location)).Json(),
            static s => s.GetProperty("state").GetString() != "running", TimeSpan.FromSeconds(30));

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private static bool[] Cells(string row) => [.. row.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(static c => c == "Y")];

    private sealed record Scene(string Village, string Enrollment, string Nik, string Today, string Import, string RenewalJob, string Reconciliation, string Kpj, string Agent);
}
