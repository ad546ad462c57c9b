using System.Net;
using System.Net.Http.Json;
using System.Text;
using Villages.Tests.Infrastructure;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class EnrollmentApiTests(ApiFixture api)
{
    [Fact]
    public async Task Enrolling_answers_201_with_a_location_then_200_for_the_same_call()
    {
        var code = await api.OpenVillage();
        await api.Host.RegisterAgentAsync("PERISAI-3510-07", code[..5]);
        var worker = Worker(agentId: "PERISAI-3510-07");
        var first = await api.Host.Enroll(code, ApiHost.Body(worker));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var created = await first.Json();
        var id = created.GetProperty("enrollmentId").GetString()!;
        Assert.Equal($"/api/villages/{code}/enrollments/{id}", first.Headers.Location!.OriginalString);
        Assert.DoesNotContain(worker.Nik!, first.Headers.Location.OriginalString);
        Assert.Equal(YearOfUsualPackage, created.GetProperty("commitment").GetInt64());
        Assert.Equal(worker.Nik![..4] + "********" + worker.Nik![12..], created.GetProperty("nik").GetString());

        var second = await api.Host.Enroll(code, ApiHost.Body(worker));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(id, (await second.Json()).GetProperty("enrollmentId").GetString());
        var village = await (await api.Http.GetAsync($"/api/villages/{code}")).Json();
        Assert.Equal(YearOfUsualPackage, village.GetProperty("program").GetProperty("budgetCommitted").GetInt64());
        var fetched = await (await api.Http.GetAsync(first.Headers.Location)).Json();
        Assert.Equal("PERISAI-3510-07", fetched.GetProperty("agentId").GetString());
    }

    [Fact]
    public async Task A_changed_income_reprices_with_200()
    {
        var code = await api.OpenVillage();
        var worker = Worker();
        await api.Host.Enroll(code, ApiHost.Body(worker));
        var repriced = await api.Host.Enroll(code, ApiHost.Body(worker with { MonthlyIncome = 2_000_000 }));
        Assert.Equal(HttpStatusCode.OK, repriced.StatusCode);
        Assert.Equal(26_800, (await repriced.Json()).GetProperty("monthlyPremium").GetInt64());
    }

    [Theory]
    [InlineData("351001450390000", "invalid-nik")]      // 15 digits
    [InlineData("3510014503900000", "invalid-nik")]     // serial 0000
    [InlineData("3510013202900001", "invalid-nik")]     // 32 Feb
    [InlineData("3510012902010001", "invalid-nik")]     // 29 Feb 2001
    [InlineData("3510011301300001", "invalid-nik")]     // born 1930: over 65
    [InlineData("35100145039A0001", "invalid-nik")]
    public async Task An_invalid_nik_is_400_and_never_echoed(string nik, string code)
    {
        var village = await api.OpenVillage();
        var response = await api.Host.Enroll(village, ApiHost.Body(Worker(nik: nik)));
        var problem = await response.Problem(400, code);
        Assert.DoesNotContain(nik, problem.ToString());
    }

    [Fact]
    public async Task Refusals_say_why_with_their_own_status()
    {
        var unopened = api.NextVillage();
        await (await api.Host.Enroll(unopened, ApiHost.Body(Worker()))).Problem(409, "program-not-open");
        await (await api.Host.Enroll("35.10.01.9999", ApiHost.Body(Worker()))).Problem(404, "village-not-found");

        var small = await api.OpenVillage(budget: 300_000);
        await api.Host.Enroll(small, ApiHost.Body(Worker()));
        var budget = await (await api.Host.Enroll(small, ApiHost.Body(Worker()))).Problem(409, "budget-exceeded");
        Assert.Equal((300_000 - YearOfUsualPackage, YearOfUsualPackage), (budget.GetProperty("remaining").GetInt64(), budget.GetProperty("needed").GetInt64()));

        var worker = Worker();
        var home = await api.OpenVillage();
        await api.Host.Enroll(home, ApiHost.Body(worker));
        var elsewhere = await (await api.Host.Enroll(await api.OpenVillage(), ApiHost.Body(worker))).Problem(409, "enrolled-elsewhere");
        Assert.Equal(home, elsewhere.GetProperty("otherVillage").GetString());
        Assert.DoesNotContain(worker.Nik!, elsewhere.ToString());
    }

    [Fact]
    public async Task Withdrawing_returns_the_unbegun_months_and_unknown_ids_are_404()
    {
        var code = await api.OpenVillage();
        var created = await (await api.Host.Enroll(code, ApiHost.Body(Worker()))).Json();
        var id = created.GetProperty("enrollmentId").GetString();
        var withdrawn = await (await api.Http.DeleteAsync($"/api/villages/{code}/enrollments/{id}")).Json();
        Assert.Equal("withdrawn", withdrawn.GetProperty("enrollment").GetProperty("status").GetString());
        Assert.Equal(11 * 16_800, withdrawn.GetProperty("refund").GetInt64()); // the current month has begun
        await (await api.Http.DeleteAsync($"/api/villages/{code}/enrollments/aaaaaaaaaaaaaaaaaaaaaaaa")).Problem(404, "enrollment-not-found");
        await (await api.Http.DeleteAsync($"/api/villages/{code}/enrollments/..%2F..")).Problem(404, "enrollment-not-found");
        await (await api.Http.GetAsync($"/api/villages/{code}/enrollments/3510014503900001")).Problem(404, "enrollment-not-found");
    }

    [Fact]
    public async Task The_list_is_paged_and_masked()
    {
        var code = await api.OpenVillage();
        var workers = Enumerable.Range(0, 5).Select(_ => Worker()).ToList();
        foreach (var w in workers) await api.Host.Enroll(code, ApiHost.Body(w));
        var page = await (await api.Http.GetAsync($"/api/villages/{code}/enrollments?offset=1&limit=2")).Json();
        Assert.Equal((5, 2), (page.GetProperty("total").GetInt32(), page.GetProperty("items").GetArrayLength()));
        Assert.All(workers, w => Assert.DoesNotContain(w.Nik!, page.ToString()));
        await (await api.Http.GetAsync($"/api/villages/{code}/enrollments?limit=0")).Problem(400, "invalid-query");
        await (await api.Http.GetAsync($"/api/villages/{code}/enrollments?offset=-1")).Problem(400, "invalid-query");
        await (await api.Http.GetAsync($"/api/villages/{code}/enrollments?limit=abc")).Problem(400, "invalid-query");
    }

    [Fact]
    public async Task A_json_batch_reports_every_row()
    {
        var code = await api.OpenVillage();
        var repeated = Worker();
        var rows = new object?[] { ApiHost.Body(Worker()), ApiHost.Body(Worker(nik: "12")), ApiHost.Body(repeated), ApiHost.Body(repeated), null, new { name = "x" } };
        var batch = await (await api.Http.PostAsJsonAsync($"/api/villages/{code}/enrollments/batch", rows)).Json();
        var results = batch.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("result").GetString()).ToList();
        Assert.Equal(["created", "rejected", "created", "unchanged", "rejected", "rejected"], results);
        Assert.Equal((2, 1, 3), (batch.GetProperty("created").GetInt32(), batch.GetProperty("unchanged").GetInt32(), batch.GetProperty("rejected").GetInt32()));
        Assert.Equal("invalid-nik", batch.GetProperty("results")[1].GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_csv_batch_reports_its_bad_rows_and_enrols_the_good_ones()
    {
        var code = await api.OpenVillage();
        var (a, b) = (Worker(), Worker());
        var csv = $"nik;nama;pekerjaan;penghasilan;program\n{a.Nik};\"Wayan, Putu\";Nelayan;1000000;JKK JKM\n{b.Nik};Ketut;petani;lots;\n1234;Made;petani;1000000;\n{b.Nik};Ketut;petani;1000000;JKK+JKM+JHT\n";
        var response = await api.Http.PostAsync($"/api/villages/{code}/enrollments/batch", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var batch = await response.Json();
        var results = batch.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["created", "rejected", "rejected", "created"], results.Select(r => r.GetProperty("result").GetString()));
        Assert.Equal(2, results[0].GetProperty("row").GetInt32());
        Assert.Equal("Wayan, Putu", results[0].GetProperty("enrollment").GetProperty("name").GetString());
        Assert.Equal("invalid-nik", results[2].GetProperty("error").GetProperty("code").GetString());
    }
}
