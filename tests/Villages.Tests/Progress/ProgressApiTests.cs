using System.Text.Json;
using Villages.Regions;
using Villages.Tests.Api;
using static Villages.Tests.Infrastructure.Workers;
using static Villages.Tests.Progress.ProgressApiFixture;

namespace Villages.Tests.Progress;

/// <summary>The progress a monitor reads over real HTTP: every level, every child region, the lagging and agents lists, and the problems.</summary>
[Collection(ProgressApiCollection.Name)]
public sealed class ProgressApiTests(ProgressApiFixture api)
{
    private const long Budget = 100 * YearOfUsualPackage;

    [Fact]
    public async Task A_poller_that_has_the_figures_gets_a_304_until_they_move()
    {
        var village = Find("62.01").Children[0].Children[0].Code;
        var first = await api.Host.Anonymous.GetAsync("/api/progress/62.01");
        var tag = first.Headers.ETag!.Tag;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/progress/62.01") { Headers = { IfNoneMatch = { new(tag) } } };
        var unchanged = await api.Host.Anonymous.SendAsync(again);
        Assert.Equal((System.Net.HttpStatusCode.NotModified, 0L), (unchanged.StatusCode, (await unchanged.Content.ReadAsByteArrayAsync()).LongLength));

        await api.OpenAsync(village, 1);
        await api.EnrollManyAsync(village, 1);
        await api.PollAsync("/api/progress/62.01", p => Int(p.GetProperty("totals"), "villagesAtTarget") >= 1);
        using var later = new HttpRequestMessage(HttpMethod.Get, "/api/progress/62.01") { Headers = { IfNoneMatch = { new(tag) } } };
        var moved = await api.Host.Anonymous.SendAsync(later);
        Assert.Equal(System.Net.HttpStatusCode.OK, moved.StatusCode);
        Assert.NotEqual(tag, moved.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Every_level_shows_its_figures_and_every_child_region_with_the_reference_village_counts()
    {
        var district = Find("51.03").Children[0]; // Kuta, Badung, Bali
        // Per village: target, workers enrolled. Three programmes, two at target, four workers.
        var plan = new Dictionary<string, (int Target, int Enrolled)>
        {
            [district.Children[0].Code] = (2, 2), [district.Children[1].Code] = (5, 1), [district.Children[2].Code] = (1, 1),
        };
        foreach (var (village, (target, enrolled)) in plan)
        {
            await api.OpenAsync(village, target);
            await api.EnrollManyAsync(village, enrolled);
        }

        foreach (var region in new[] { district, district.Parent!, district.Parent!.Parent! })
        {
            var progress = await api.PollAsync($"/api/progress/{region.Code}", static p => Int(p.GetProperty("totals"), "workersEnrolled") == 4);
            Assert.Equal((region.Code, region.Name, region.Level.ToString().ToLowerInvariant()),
                (Text(progress, "region", "code"), Text(progress, "region", "name"), Text(progress, "region", "level")));
            AssertFigures(progress.GetProperty("totals"), region, plan);
            Assert.Equal(4, progress.GetProperty("occupations").GetProperty("nelayan").GetInt32());
            Assert.Equal(4, Items(progress, "enrollmentsPerDay").Sum(static d => Int(d, "enrollments")));
            var children = Items(progress, "children").ToList();
            Assert.Equal(region.Children.Select(static c => c.Code), children.Select(static c => Text(c, "code")));
            // Untouched children too: zero, with their villages counted from the reference data.
            foreach (var (child, json) in region.Children.Zip(children)) AssertFigures(json, child, plan);
        }

        var nation = await api.PollAsync("/api/progress", static p => Items(p, "children").Any(static c => Text(c, "code") == "51" && Int(c, "workersEnrolled") == 4));
        Assert.Equal(("ID", "nation", 83_762), (Text(nation, "region", "code"), Text(nation, "region", "level"), Int(nation.GetProperty("totals"), "villages")));
        var provinces = Items(nation, "children").ToList();
        Assert.Equal(RegionCatalog.Default.Nation.Children.Select(static p => (p.Code, p.VillageCount)), provinces.Select(static p => (Text(p, "code"), Int(p, "villages"))));
        foreach (var field in new[] { "villagesWithProgram", "villagesAtTarget", "workersEnrolled", "workerTarget", "budgetAllocated", "budgetCommitted", "monthlyPremiums" })
        {
            Assert.Equal(Long(nation.GetProperty("totals"), field), provinces.Sum(p => Long(p, field)));
        }
    }

    [Fact]
    public async Task Lagging_lists_villages_most_short_first_and_not_started_ones_in_code_order_paged()
    {
        var district = Find("61.01").Children.First(static d => d.Children.Count >= 8);
        var v = district.Children.Select(static c => c.Code).ToList();
        (int Target, int Enrolled)[] plan = [(10, 1), (5, 0), (10, 4), (3, 3), (6, 0)]; // short 9, 5, 6, at target, 6
        foreach (var (code, (target, enrolled)) in v.Zip(plan))
        {
            await api.OpenAsync(code, target);
            await api.EnrollManyAsync(code, enrolled);
        }
        foreach (var code in new[] { district.Code, "61.01" }) await SettledAsync(code, villagesWithProgram: 5, monthlyPremiums: 8 * 16_800);
        var path = $"/api/progress/{district.Code}/lagging";
        var lagging = await api.GetAsync(path);
        Assert.Equal("behind-target", lagging.GetProperty("list").GetString());
        // Most workers short first; equally short: the least progress first (0/6 before 4/10).
        Assert.Equal([(v[0], 10, 1, 9), (v[4], 6, 0, 6), (v[2], 10, 4, 6), (v[1], 5, 0, 5)], Items(lagging, "villages").Select(Row));
        var first = Items(lagging, "villages").First();
        Assert.Equal((Find(v[0]).Name, district.Code, district.Name), (first.GetProperty("name").GetString(), first.GetProperty("districtCode").GetString(), first.GetProperty("districtName").GetString()));
        var page = await api.GetAsync(path + "?offset=1&limit=2");
        Assert.Equal([v[4], v[2]], Items(page, "villages").Select(static x => Text(x, "code")));
        Assert.Equal((4, 1, 2), (Int(page, "total"), Int(page, "offset"), Int(page, "limit")));
        var regency = await api.GetAsync("/api/progress/61.01/lagging?limit=2");
        Assert.Equal([v[0], v[4]], Items(regency, "villages").Select(static x => Text(x, "code")));

        var notStarted = v.Skip(5).ToList();
        var unopened = await api.GetAsync(path + "?notStarted=true&offset=1&limit=2");
        Assert.Equal(("not-started", notStarted.Count), (unopened.GetProperty("list").GetString(), Int(unopened, "total")));
        Assert.Equal(notStarted.Skip(1).Take(2), Items(unopened, "villages").Select(static x => Text(x, "code")));
        // Across the regency's districts, still in code order, paged past a district boundary.
        var all = Find("61.01").Children.SelectMany(static d => d.Children).Select(static c => c.Code).Except(v.Take(5)).ToList();
        var across = await api.GetAsync($"/api/progress/61.01/lagging?notStarted=true&offset={notStarted.Count - 1}&limit=3");
        Assert.Equal(all.Count, Int(across, "total"));
        Assert.Equal(all.Skip(notStarted.Count - 1).Take(3), Items(across, "villages").Select(static x => Text(x, "code")));
    }

    [Fact]
    public async Task Agents_are_listed_best_first_and_a_withdrawal_takes_an_enrolment_off_its_agent()
    {
        var district = Find("52.01").Children[0];
        var (v0, v1) = (district.Children[0].Code, district.Children[1].Code);
        await api.OpenAsync(v0, 20);
        await api.OpenAsync(v1, 20);
        foreach (var agent in new[] { "PERISAI-A", "PERISAI-B", "PERISAI-C", "PERISAI-D" }) await api.Host.RegisterAgentAsync(agent, "52.01");
        await api.EnrollManyAsync(v0, 2, "PERISAI-A");
        await api.EnrollManyAsync(v1, 1, "PERISAI-A");
        await api.EnrollManyAsync(v1, 3, "PERISAI-B", income: 2_000_000);   // as many, more premiums: before A
        await api.EnrollManyAsync(v0, 2, "PERISAI-C");
        await api.EnrollManyAsync(v1, 2, "PERISAI-C");                       // most enrolments: first
        var gone = await api.EnrollAsync(v0, Worker(agentId: "PERISAI-D"));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.Http.DeleteAsync($"/api/villages/{v0}/enrollments/{gone}")).StatusCode);
        await api.EnrollManyAsync(v0, 1, income: 1_500_000);                 // no agent

        (string, int, long)[] expected = [("PERISAI-C", 4, 4 * 16_800), ("PERISAI-B", 3, 3 * 26_800), ("PERISAI-A", 3, 3 * 16_800)];
        foreach (var code in new[] { district.Code, "52.01", "52" })
        {
            await SettledAsync(code, villagesWithProgram: 2, monthlyPremiums: expected.Sum(static e => e.Item3) + 21_800);
            var agents = await api.GetAsync($"/api/progress/{code}/agents");
            Assert.Equal(expected, agents.EnumerateArray().Select(static a => (Text(a, "agentId"), Int(a, "enrollments"), Long(a, "monthlyPremiums"))));
        }
        var top = await api.GetAsync("/api/progress/52/agents?limit=1");
        Assert.Equal("PERISAI-C", Assert.Single(top.EnumerateArray()).GetProperty("agentId").GetString());
        var progress = await api.GetAsync("/api/progress/52");
        Assert.Equal(expected.Select(static e => e.Item1), Items(progress, "topAgents").Select(static a => Text(a, "agentId")));
    }

    [Theory]
    [InlineData("/api/progress/35.10.01.2001", 400, "invalid-region-code")]
    [InlineData("/api/progress/35.10.01.2001/lagging", 400, "invalid-region-code")]
    [InlineData("/api/progress/3510", 400, "invalid-region-code")]
    [InlineData("/api/progress/35.1", 400, "invalid-region-code")]
    [InlineData("/api/progress/id", 400, "invalid-region-code")]
    [InlineData("/api/progress/35.10.01.2001.1/agents", 400, "invalid-region-code")]
    [InlineData("/api/progress/99", 404, "region-not-found")]
    [InlineData("/api/progress/35.99", 404, "region-not-found")]
    [InlineData("/api/progress/35.10.99/lagging", 404, "region-not-found")]
    [InlineData("/api/progress/99/agents", 404, "region-not-found")]
    [InlineData("/api/progress/35/lagging?limit=0", 400, "invalid-query")]
    [InlineData("/api/progress/35/lagging?limit=501", 400, "invalid-query")]
    [InlineData("/api/progress/35/lagging?offset=-1", 400, "invalid-query")]
    [InlineData("/api/progress/35/lagging?offset=abc", 400, "invalid-query")]
    [InlineData("/api/progress/35/lagging?notStarted=maybe", 400, "invalid-query")]
    [InlineData("/api/progress/35/agents?limit=0", 400, "invalid-query")]
    [InlineData("/api/progress/35/agents?limit=1e3", 400, "invalid-query")]
    public async Task Bad_region_codes_and_paging_are_problems(string path, int status, string code)
    {
        var problem = await (await api.Http.GetAsync(path)).Problem(status, code);
        if (path.Contains("35.10.01.2001/", StringComparison.Ordinal) || path.EndsWith("35.10.01.2001", StringComparison.Ordinal))
        {
            Assert.Contains("/api/villages/35.10.01.2001", problem.GetProperty("detail").GetString()); // where a village's figures are
        }
    }

    [Fact]
    public async Task An_enrolment_acknowledged_just_before_a_restart_is_in_the_figures_after_it()
    {
        var village = Find("53.01").Children[0].Children[0].Code;
        await api.OpenAsync(village, 10);
        await api.EnrollManyAsync(village, 3);
        await api.Host.RestartAsync(); // at once: one co-hosted silo, every rollup stops together

        var nation = await api.PollAsync("/api/progress", static p => Items(p, "children").Any(static c => Text(c, "code") == "53" && Int(c, "workersEnrolled") == 3));
        Assert.Equal(3 * YearOfUsualPackage, Items(nation, "children").Single(static c => Text(c, "code") == "53").GetProperty("budgetCommitted").GetInt64());
    }

    /// <summary>Waits until a region's figures show every write of the test (its lists come from the same figures).</summary>
    private Task SettledAsync(string region, int villagesWithProgram, long monthlyPremiums) =>
        api.PollAsync($"/api/progress/{region}", p => Int(p.GetProperty("totals"), "villagesWithProgram") == villagesWithProgram
            && Long(p.GetProperty("totals"), "monthlyPremiums") == monthlyPremiums);

    private static (string, int, int, int) Row(JsonElement x) =>
        (Text(x, "code"), Int(x, "targetWorkers"), Int(x, "workersEnrolled"), Int(x, "shortfall"));

    private static string Text(JsonElement json, string property) => json.GetProperty(property).GetString()!;

    private static string Text(JsonElement json, string outer, string inner) => Text(json.GetProperty(outer), inner);

    /// <summary>A region's figures: the sum of the planned villages inside it (default budget, the usual package).</summary>
    private static void AssertFigures(JsonElement f, Region region, Dictionary<string, (int Target, int Enrolled)> plan)
    {
        var inside = plan.Where(p => p.Key.StartsWith(region.Code + ".", StringComparison.Ordinal) || p.Key == region.Code).Select(static p => p.Value).ToList();
        var enrolled = inside.Sum(static v => v.Enrolled);
        Assert.Equal((region.Code, region.Name, region.VillageCount, region.VillageCount - inside.Count, region.VillageCount * 100L),
            (Text(f, "code"), Text(f, "name"), Int(f, "villages"), Int(f, "villagesNotStarted"), Long(f, "campaignTarget")));
        Assert.Equal((inside.Count, inside.Count(static v => v.Enrolled >= v.Target), enrolled, inside.Sum(static v => (long)v.Target),
                inside.Count * Budget, enrolled * YearOfUsualPackage, enrolled * 16_800L),
            (Int(f, "villagesWithProgram"), Int(f, "villagesAtTarget"), Int(f, "workersEnrolled"), Long(f, "workerTarget"),
                Long(f, "budgetAllocated"), Long(f, "budgetCommitted"), Long(f, "monthlyPremiums")));
    }
}
