using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Villages.Domain;
using Villages.Tests.Infrastructure;
using Villages.Tests.Progress;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Api;

/// <summary>Programmes per budget year, funder and cohort; renewals; what is refused, with nothing half-written.</summary>
[Collection(ApiCollection.Name)]
public sealed class ProgrammeYearsApiTests(ApiFixture api)
{
    private static readonly int ThisYear = CoverageCalendar.Year(TimeProvider.System.GetUtcNow());
    private static readonly int NextYear = ThisYear + 1;

    private HttpClient Http => api.Http;

    [Fact]
    public async Task A_year_may_hold_a_programme_per_funder_and_a_worker_joins_the_one_named()
    {
        var village = api.NextVillage();
        var opened = await Http.PutAsJsonAsync($"/api/villages/{village}/programs/{ThisYear}", new object[]
        {
            new { fundingSource = "SD", budgetAllocated = 20_160_000, targetWorkers = 60 },
            new { fundingSource = "SA", budgetAllocated = 10_080_000, targetWorkers = 40 },
        });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var view = await opened.Json();
        Assert.Equal(["SD", "SA"], view.GetProperty("programs").EnumerateArray().Select(static p => p.GetProperty("fundingSource").GetString()));
        Assert.Equal(100, view.GetProperty("targetWorkers").GetInt32());

        await (await api.Host.Enroll(village, ApiHost.Body(Worker()))).Problem(400, "program-not-chosen");
        var worker = Worker();
        var inSa = await (await api.Host.Enroll(village, With(ApiHost.Body(worker), "fundingSource", "SA"))).Json();
        Assert.Equal(("SA", ThisYear), (inSa.GetProperty("fundingSource").GetString(), inSa.GetProperty("year").GetInt32()));
        await (await api.Host.Enroll(village, With(ApiHost.Body(worker), "fundingSource", "SD"))).Problem(409, "already-covered");
        Assert.Equal(HttpStatusCode.OK, (await api.Host.Enroll(village, ApiHost.Body(worker))).StatusCode); // the same worker again, unnamed: unchanged

        var after = await (await Http.GetAsync($"/api/villages/{village}")).Json();
        Assert.Equal((1, 201_600L, 0L), (after.GetProperty("activeEnrollments").GetInt32(),
            after.GetProperty("programs")[1].GetProperty("budgetCommitted").GetInt64(), after.GetProperty("programs")[0].GetProperty("budgetCommitted").GetInt64()));
    }

    [Fact]
    public async Task Next_years_programme_is_listed_beside_this_years()
    {
        var village = await api.OpenVillage();
        Assert.Equal(HttpStatusCode.Created, (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/{NextYear}", new { budgetAllocated = 25_000_000 })).StatusCode);

        var view = await (await Http.GetAsync($"/api/villages/{village}")).Json();

        Assert.Equal(ThisYear, view.GetProperty("program").GetProperty("year").GetInt32());
        var next = Assert.Single(view.GetProperty("otherPrograms").EnumerateArray());
        Assert.Equal((NextYear, 25_000_000L), (next.GetProperty("year").GetInt32(), next.GetProperty("budgetAllocated").GetInt64()));
    }

    [Theory]
    [InlineData("2019", "invalid-year")]
    [InlineData("2099", "invalid-year")]
    [InlineData("20x7", "invalid-year")]
    [InlineData("99999", "invalid-year")]
    public async Task A_year_far_from_today_is_refused(string year, string code)
    {
        var village = api.NextVillage();

        await (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/{year}", new { budgetAllocated = 1_000_000 })).Problem(400, code);

        Assert.Equal("not-started", (await (await Http.GetAsync($"/api/villages/{village}")).Json()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Two_programmes_with_the_same_funder_in_one_request_are_refused_and_neither_is_opened()
    {
        var village = api.NextVillage();

        await (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/{ThisYear}", new object[]
        {
            new { fundingSource = "SD", budgetAllocated = 20_160_000 },
            new { fundingSource = "sd", budgetAllocated = 1_000_000 },
        })).Problem(400, "duplicate-program");

        var view = await (await Http.GetAsync($"/api/villages/{village}")).Json();
        Assert.Equal(0, view.GetProperty("programs").GetArrayLength());
    }

    [Fact]
    public async Task A_renewal_refuses_a_year_without_a_programme_and_ids_of_another_village_renewing_nothing()
    {
        var village = await api.OpenVillage();
        var other = await api.OpenVillage();
        var theirs = (await (await api.Host.Enroll(other, ApiHost.Body(Worker()))).Json()).GetProperty("enrollmentId").GetString();

        await (await Http.PostAsync($"/api/villages/{village}/programs/{NextYear}/renewals", null)).Problem(409, "program-not-open");
        (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/{NextYear}", new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();
        var ours = (await (await api.Host.Enroll(village, ApiHost.Body(Worker()))).Json()).GetProperty("enrollmentId").GetString();
        await (await Http.PostAsJsonAsync($"/api/villages/{village}/programs/{NextYear}/renewals", new { enrollmentIds = new[] { ours, theirs } }))
            .Problem(404, "enrollment-not-found");
        await (await Http.PostAsync($"/api/villages/{village}/programs/20x6/renewals", null)).Problem(400, "invalid-year");
        await (await Http.PostAsync($"/api/villages/{village}/programs/{ThisYear + 5}/renewals", null)).Problem(400, "invalid-year");

        var next = (await (await Http.GetAsync($"/api/villages/{village}")).Json()).GetProperty("otherPrograms")[0];
        Assert.Equal(0L, next.GetProperty("budgetCommitted").GetInt64());
    }

    [Fact]
    public async Task An_operator_renews_the_workers_named_into_next_year_and_each_gets_its_result()
    {
        var village = await api.OpenVillage();
        (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/{NextYear}", new { budgetAllocated = 201_600 })).EnsureSuccessStatusCode();
        var ids = new List<string>();
        for (var i = 0; i < 2; i++) ids.Add((await (await api.Host.Enroll(village, ApiHost.Body(Worker()))).Json()).GetProperty("enrollmentId").GetString()!);

        var answer = await (await Http.PostAsJsonAsync($"/api/villages/{village}/programs/{NextYear}/renewals", new { enrollmentIds = ids })).Json();

        Assert.Equal((2, 1, 1), (answer.GetProperty("workers").GetInt32(), answer.GetProperty("renewed").GetInt32(), answer.GetProperty("overBudget").GetInt32()));
        Assert.Equal(["renewed", "over-budget"], answer.GetProperty("results").EnumerateArray().Select(static r => r.GetProperty("result").GetString()));
        using var agent = api.Host.ClientFor(api.Host.Token("agent", [Roles.PerisaiAgent], [village], "PRS-1"));
        await (await agent.PostAsync($"/api/villages/{village}/programs/{NextYear}/renewals", null)).Problem(403, "forbidden");
    }

    [Fact]
    public async Task A_regency_officer_renews_every_village_of_the_regency_in_a_job_with_a_report()
    {
        using var officer = api.Host.ClientFor(api.Host.Token("officer-banyuwangi", [Roles.RegencyOfficer], ["35.10"]));
        var village = await api.OpenVillage();
        (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/{NextYear}", new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();

        var started = await officer.PostAsJsonAsync("/api/regions/35.10/renewals", new { year = NextYear });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!.OriginalString;
        var status = await Rollups.PollAsync(async () => await (await officer.GetAsync(location)).Json(),
            static s => s.GetProperty("state").GetString() == "completed", TimeSpan.FromSeconds(60));
        Assert.Equal(217, status.GetProperty("villages").GetInt32());
        Assert.True(status.GetProperty("villagesRefused").GetInt32() > 0); // most have no programme for next year
        var report = await (await officer.GetAsync(location + "/report")).Content.ReadAsStringAsync();
        Assert.StartsWith("villageCode,enrollmentId,nik,result,code,detail", report);
        Assert.Contains("program-not-open", report);

        using var operatorElsewhere = api.Host.ClientFor(api.Host.Token("op", [Roles.VillageOperator], [village]));
        await (await operatorElsewhere.PostAsJsonAsync("/api/regions/35.10/renewals", new { year = NextYear })).Problem(403, "forbidden");
        await (await officer.PostAsJsonAsync("/api/regions/36.01/renewals", new { year = NextYear })).Problem(403, "forbidden");
        await (await officer.PostAsJsonAsync("/api/regions/35.10/renewals", new { year = 2099 })).Problem(400, "invalid-year");
        await (await officer.PostAsJsonAsync("/api/regions/35/renewals", new { year = NextYear })).Problem(400, "invalid-region-code");
        await (await operatorElsewhere.GetAsync(location)).Problem(403, "forbidden");
    }

    [Fact]
    public async Task Village_apparatus_have_a_programme_of_their_own_priced_on_their_allowance()
    {
        var village = await api.OpenVillage();
        Assert.Equal(HttpStatusCode.Created, (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/{ThisYear}",
            new { cohort = "apparatus", budgetAllocated = 5_000_000, targetWorkers = 8 })).StatusCode);

        var secretary = await (await api.Host.Enroll(village, new
        {
            nik = NewNik(), name = "Pak Sekdes", occupation = "sekretaris-desa", monthlyIncome = 2_000_000, cohort = "apparatus",
        })).Json();

        Assert.Equal(("apparatus", 10_800L), (secretary.GetProperty("cohort").GetString(), secretary.GetProperty("monthlyPremium").GetInt64()));
        var view = await (await Http.GetAsync($"/api/villages/{village}")).Json();
        Assert.Equal((1, 0), (view.GetProperty("apparatusCovered").GetInt32(), view.GetProperty("activeEnrollments").GetInt32()));
        var kelurahan = RegionsForTests.Kelurahan[3];
        await (await Http.PutAsJsonAsync($"/api/villages/{kelurahan}/programs/{ThisYear}",
            new { cohort = "apparatus", budgetAllocated = 5_000_000, fundingSource = "SA" })).Problem(400, "invalid-program");
    }

    private static object With(object body, string name, object value)
    {
        var json = JsonSerializer.SerializeToNode(body)!.AsObject();
        json[name] = JsonSerializer.SerializeToNode(value);
        return json;
    }
}
