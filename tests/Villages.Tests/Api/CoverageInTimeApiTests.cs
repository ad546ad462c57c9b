using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Api;

/// <summary>
/// A service whose clock the test moves: through the end of a coverage, a year end, a renewal and a
/// restart after the clock jumped months. Each test runs its own service (the clock only goes forward).
/// </summary>
public sealed class CoverageInTimeApiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = MovableClock.At25November2026();
    private ApiHost _host = null!;

    private HttpClient Http => _host.Http;

    public async Task InitializeAsync()
    {
        _host = new ApiHost(MovableClock.WatchedOften, clock: _clock);
        await _host.InitializeAsync();
    }

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Coverage_ends_by_itself_at_midnight_and_a_renewal_continues_it_from_the_next_day()
    {
        var village = TestVillage(1);
        var district = village[..8];
        (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/2026", new { budgetAllocated = 20_160_000, coverageMonths = 1 })).EnsureSuccessStatusCode();
        var worker = Worker();
        var enrolled = await (await _host.Enroll(village, ApiHost.Body(worker))).Json();
        Assert.Equal(("2026-11-25", "2026-11-30", 2026, "SD", "active"), (Text(enrolled, "coverageStart"), Text(enrolled, "coverageEnd"),
            enrolled.GetProperty("year").GetInt32(), Text(enrolled, "fundingSource"), Text(enrolled, "status")));
        var id = Text(enrolled, "enrollmentId");
        var before = await Figures(district, static f => f.GetProperty("coveredToday").GetInt32() == 1);
        Assert.Equal(1, before.GetProperty("endingWithin30Days").GetInt32());
        (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/2027", new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();

        _clock.SetWib(2026, 12, 1);
        var moved = Stopwatch.StartNew();
        var nation = await Figures("ID", static f => f.GetProperty("coveredToday").GetInt32() == 0);
        output.WriteLine($"the nation's coveredToday moved {moved.ElapsedMilliseconds} ms after midnight");
        Assert.True(moved.Elapsed < TimeSpan.FromSeconds(10), $"the figures took {moved.Elapsed} to move");
        Assert.Equal(1, nation.GetProperty("villagesWithProgram").GetInt32()); // still 2026: the programme runs until 31 December
        var ended = await (await Http.GetAsync($"/api/villages/{village}/enrollments/{id}")).Json();
        Assert.Equal("ended", Text(ended, "status"));
        Assert.Equal(0, (await (await Http.GetAsync($"/api/villages/{village}")).Json()).GetProperty("activeEnrollments").GetInt32());

        var renewal = await (await Http.PostAsync($"/api/villages/{village}/programs/2027/renewals", null)).Json();
        Assert.Equal((1, 1), (renewal.GetProperty("workers").GetInt32(), renewal.GetProperty("renewed").GetInt32()));
        var renewed = renewal.GetProperty("results")[0].GetProperty("enrollment");
        Assert.Equal(("renewed", "2026-12-01", "2027-11-30", 2027, "active"), (Text(renewal.GetProperty("results")[0], "result"),
            Text(renewed, "coverageStart"), Text(renewed, "coverageEnd"), renewed.GetProperty("year").GetInt32(), Text(renewed, "status")));
        Assert.Equal(2, renewed.GetProperty("periods").GetArrayLength());
        var again = await (await Http.PostAsync($"/api/villages/{village}/programs/2027/renewals", null)).Json();
        Assert.Equal((0, 1), (again.GetProperty("renewed").GetInt32(), again.GetProperty("alreadyRenewed").GetInt32()));

        _clock.SetWib(2027, 1, 1);
        var newYear = await Figures("ID", static f => f.GetProperty("years").TryGetProperty("2027", out _) && f.GetProperty("coveredToday").GetInt32() == 1);
        Assert.Equal((1, 1), (newYear.GetProperty("villagesWithProgram").GetInt32(), newYear.GetProperty("years").GetProperty("2027").GetProperty("workersEnrolled").GetInt32()));
        var view = await (await Http.GetAsync($"/api/villages/{village}")).Json();
        Assert.Equal((2027, 2027), (view.GetProperty("year").GetInt32(), view.GetProperty("program").GetProperty("year").GetInt32()));
        Assert.Equal(2026, view.GetProperty("otherPrograms")[0].GetProperty("year").GetInt32());
    }

    [Fact]
    public async Task A_worker_whose_coverage_ended_may_join_another_village_and_the_lookup_knows_who_covered_them_when()
    {
        string first = TestVillage(2), second = TestVillage(3), third = TestVillage(4);
        foreach (var (code, months) in new[] { (first, 1), (second, 12), (third, 12) })
        {
            (await Http.PutAsJsonAsync($"/api/villages/{code}/program", new { budgetAllocated = 20_160_000, coverageMonths = months })).EnsureSuccessStatusCode();
        }
        var worker = Worker();
        var inFirst = await (await _host.Enroll(first, ApiHost.Body(worker))).Json();
        await (await _host.Enroll(second, ApiHost.Body(worker))).Problem(409, "enrolled-elsewhere");

        _clock.SetWib(2026, 12, 1);
        Assert.Equal(HttpStatusCode.Created, (await _host.Enroll(second, ApiHost.Body(worker))).StatusCode);
        var earlier = await (await Http.GetAsync($"/api/villages/{first}/enrollments/{Text(inFirst, "enrollmentId")}")).Json();
        Assert.Equal(("ended", "2026-11-30"), (Text(earlier, "status"), Text(earlier, "coverageEnd")));

        using var branch = _host.ClientFor(_host.Token("bpjs-banyuwangi", [Roles.BpjsBranch], ["35.10"]));
        var november = await (await branch.PostAsJsonAsync("/api/coverage/lookup", new { nik = worker.Nik, date = "2026-11-28" })).Json();
        Assert.Equal((true, first, 2026, "2026-11-25", "2026-11-30"), (november.GetProperty("covered").GetBoolean(), Text(november, "villageCode"),
            november.GetProperty("year").GetInt32(), Text(november, "coverageStart"), Text(november, "coverageEnd")));
        var december = await (await branch.PostAsJsonAsync("/api/coverage/lookup", new { nik = worker.Nik, date = "2026-12-02" })).Json();
        Assert.Equal(second, Text(december, "villageCode"));
        var before = await (await branch.PostAsJsonAsync("/api/coverage/lookup", new { nik = worker.Nik, date = "2026-11-24" })).Json();
        Assert.False(before.GetProperty("covered").GetBoolean());
        Assert.Equal(worker.Nik![..4] + "********" + worker.Nik[12..], Text(before, "nik"));

        using var elsewhere = _host.ClientFor(_host.Token("op-third", [Roles.VillageOperator], [third]));
        await (await elsewhere.PostAsJsonAsync("/api/coverage/lookup", new { nik = worker.Nik, date = "2026-12-02" })).Problem(403, "forbidden");
        await (await _host.Anonymous.PostAsJsonAsync("/api/coverage/lookup", new { nik = worker.Nik, date = "2026-12-02" })).Problem(401, "unauthenticated");
        await (await branch.PostAsJsonAsync("/api/coverage/lookup", new { nik = "3510", date = "2026-12-02" })).Problem(400, "invalid-nik");
        await (await branch.PostAsJsonAsync("/api/coverage/lookup", new { nik = worker.Nik, date = "2030-01-01" })).Problem(400, "invalid-date");
        await (await branch.PostAsJsonAsync("/api/coverage/lookup", new { nik = worker.Nik })).Problem(400, "invalid-date");

        using var monitor = _host.ClientFor(_host.Token("monitor", [Roles.NationalMonitor]));
        var audit = await (await monitor.GetAsync("/api/coverage/lookups?month=2026-12")).Json();
        Assert.Equal(4, audit.GetProperty("total").GetInt32()); // the refused one was asked too
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => Text(e, "subject") == "op-third" && e.GetProperty("covered").GetBoolean());
        Assert.DoesNotContain(worker.Nik, audit.ToString());
        await (await branch.GetAsync("/api/coverage/lookups")).Problem(403, "forbidden");
    }

    [Fact]
    public async Task Started_again_after_the_clock_jumped_months_the_service_shows_today()
    {
        var village = TestVillage(5);
        (await Http.PutAsJsonAsync($"/api/villages/{village}/program", new { budgetAllocated = 20_160_000, coverageMonths = 2 })).EnsureSuccessStatusCode();
        var worker = Worker();
        (await _host.Enroll(village, ApiHost.Body(worker))).EnsureSuccessStatusCode();
        await Figures("ID", static f => f.GetProperty("coveredToday").GetInt32() == 1);

        _clock.SetWib(2027, 6, 15, hour: 9); // the machine was down; its clock came back five months later
        await _host.RestartAsync();

        var view = await (await Http.GetAsync($"/api/villages/{village}")).Json();
        Assert.Equal((0, 2027, "not-started"), (view.GetProperty("activeEnrollments").GetInt32(), view.GetProperty("year").GetInt32(), Text(view, "status")));
        var nation = await Figures("ID", static f => f.GetProperty("coveredToday").GetInt32() == 0);
        Assert.Equal(0, nation.GetProperty("villagesWithProgram").GetInt32());
        Assert.Equal(1, nation.GetProperty("years").GetProperty("2026").GetProperty("villagesWithProgram").GetInt32());
        var other = TestVillage(6);
        (await Http.PutAsJsonAsync($"/api/villages/{other}/program", new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();
        var moved = await (await _host.Enroll(other, ApiHost.Body(worker))).Json();
        Assert.Equal(("2027-06-15", 2027), (Text(moved, "coverageStart"), moved.GetProperty("year").GetInt32()));
    }

    [Fact]
    public async Task The_workers_ending_soon_are_listed_for_the_operator_to_renew()
    {
        var village = TestVillage(7);
        (await Http.PutAsJsonAsync($"/api/villages/{village}/program", new { budgetAllocated = 1_000_000, coverageMonths = 1 })).EnsureSuccessStatusCode();
        var worker = await (await _host.Enroll(village, ApiHost.Body(Worker()))).Json();
        (await _host.Enroll(village, ApiHost.Body(Worker()))).EnsureSuccessStatusCode();
        (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/2027", new { budgetAllocated = 1_000_000 })).EnsureSuccessStatusCode();
        (await Http.PostAsJsonAsync($"/api/villages/{village}/programs/2027/renewals", new { enrollmentIds = new[] { Text(worker, "enrollmentId") } })).EnsureSuccessStatusCode();

        var ending = await (await Http.GetAsync($"/api/villages/{village}/enrollments/ending-soon")).Json();

        var only = Assert.Single(ending.GetProperty("items").EnumerateArray()); // the renewed one is not ending
        Assert.NotEqual(Text(worker, "enrollmentId"), Text(only, "enrollmentId"));
        Assert.Equal("2026-11-30", Text(only, "coverageEnd"));
        Assert.Equal(1, (await (await Http.GetAsync($"/api/villages/{village}")).Json()).GetProperty("endingWithin30Days").GetInt32());
        Assert.Equal(1, (await Figures(village[..8], static _ => true)).GetProperty("endingWithin30Days").GetInt32());
        await (await _host.Anonymous.GetAsync($"/api/villages/{village}/enrollments/ending-soon")).Problem(401, "unauthenticated");
    }

    /// <summary>A region's totals once they are complete for today (WIB) and satisfy a condition: the figures move within seconds.</summary>
    private Task<JsonElement> Figures(string region, Func<JsonElement, bool> done) => _host.FiguresAsync(_clock, region, done);

    private static string? Text(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Number
        ? e.GetProperty(name).GetRawText()
        : e.GetProperty(name).GetString();
}
