using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Money;

/// <summary>
/// A BPJS branch's result file matched back to a regency's enrolments: KPJ numbers and confirmations,
/// refusals, workers BPJS has and the ledger lacks, bad rows; uploaded again it changes nothing.
/// And the collective export's change-only mode.
/// </summary>
public sealed class ReconciliationApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = MovableClock.At25November2026();
    private ApiHost _host = null!;
    private HttpClient _branch = null!;

    private HttpClient Http => _host.Http;

    public async Task InitializeAsync()
    {
        _host = new ApiHost(MovableClock.WatchedOften, clock: _clock);
        await _host.InitializeAsync();
        _branch = _host.ClientFor(_host.Token("bpjs-banyuwangi", [Roles.BpjsBranch], ["35.10"]));
    }

    public async Task DisposeAsync()
    {
        _branch.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_result_file_confirms_refuses_and_reports_unknown_and_bad_rows_and_changes_nothing_the_second_time()
    {
        var village = TestVillage(40);
        (await Http.PutAsJsonAsync($"/api/villages/{village}/program", new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();
        var (first, second, third) = (Worker(), Worker(), Worker());
        var ids = new List<string>();
        foreach (var w in new[] { first, second, third }) ids.Add(Text(await (await _host.Enroll(village, ApiHost.Body(w))).Json(), "enrollmentId"));
        var file = string.Join("\n",
            "nik;no_kpj;keterangan;tanggal_terdaftar;alasan",
            $"{first.Nik};12345678901;terdaftar;25/11/2026;",
            $"{second.Nik};;ditolak;;NIK tidak sesuai Dukcapil",
            $"{NewNik()};22222222222;terdaftar;2026-11-25;",
            "12ab;33333333333;terdaftar;2026-11-25;",
            $"{first.Nik};12345678901;terdaftar;2026-11-25;",
            $"{third.Nik};12345678901;terdaftar;2026-11-25;");

        var done = await Reconcile("35.10", file);

        Assert.Equal((6, 1, 1, 1, 1, 2), (Int(done, "rows"), Int(done, "matched"), Int(done, "refusedByBpjs"), Int(done, "unknown"), Int(done, "kpjConflicts"), Int(done, "invalid")));
        var results = done.GetProperty("results").EnumerateArray().ToDictionary(static r => r.GetProperty("line").GetInt32(), static r => Text(r, "result"));
        Assert.Equal(["matched", "refused-by-bpjs", "unknown", "invalid", "invalid", "kpj-conflict"], [.. Enumerable.Range(2, 6).Select(l => results[l])]);
        var confirmed = await (await Http.GetAsync($"/api/villages/{village}/enrollments/{ids[0]}")).Json();
        Assert.Equal(("confirmed-by-bpjs", "*******8901", "2026-11-25"), (Text(confirmed, "bpjs"), Text(confirmed, "kpj"), Text(confirmed, "confirmedOn")));
        var refused = await (await Http.GetAsync($"/api/villages/{village}/enrollments/{ids[1]}")).Json();
        Assert.Equal(("refused-by-bpjs", "NIK tidak sesuai Dukcapil"), (Text(refused, "bpjs"), Text(refused, "bpjsRefusal")));
        Assert.Equal("registered-by-village", Text(await (await Http.GetAsync($"/api/villages/{village}/enrollments/{ids[2]}")).Json(), "bpjs"));
        var figures = await _host.FiguresAsync(_clock, village[..8], static f => f.GetProperty("confirmedByBpjs").GetInt32() == 1);
        Assert.Equal(3, figures.GetProperty("coveredToday").GetInt32());
        var report = await (await _branch.GetAsync($"/api/regions/35.10/reconciliations/{Text(done, "id")}/report")).Content.ReadAsStringAsync();
        Assert.Equal(7, report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain(first.Nik!, report);

        var history = Int(await (await Http.GetAsync($"/api/villages/{village}/history")).Json(), "total");
        var again = await Reconcile("35.10", file);
        Assert.Equal((0, 2), (Int(again, "matched"), Int(again, "unchanged")));
        Assert.Equal(history, Int(await (await Http.GetAsync($"/api/villages/{village}/history")).Json(), "total"));

        // A KPJ is one worker's in the whole country: given to another in a later file, that row is refused.
        var conflict = await Reconcile("35.10", $"nik,kpj,status,registeredOn\n{third.Nik},12345678901,registered,2026-11-25\n");
        Assert.Equal(1, Int(conflict, "kpjConflicts"));
        Assert.Equal("registered-by-village", Text(await (await Http.GetAsync($"/api/villages/{village}/enrollments/{ids[2]}")).Json(), "bpjs"));
    }

    [Fact]
    public async Task A_result_file_is_refused_whole_when_it_cannot_be_read_and_only_the_regencys_branch_may_send_it()
    {
        Assert.Equal("malformed-request", Text(await (await Send(_branch, "35.10", "name,age\nx,1\n")).Json(), "code"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await _branch.PostAsync("/api/regions/35.10/reconciliations", JsonContent.Create(new { }))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(_branch, "35.11", "nik,kpj,status,registeredOn\n")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(Http, "35.10", "nik,kpj,status,registeredOn\n")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(_branch, "35.10.01", "nik,kpj,status,registeredOn\n")).StatusCode); // a district is not a regency
    }

    [Fact]
    public async Task The_change_only_export_has_each_new_renewed_and_ended_worker_once()
    {
        var village = TestVillage(41);
        (await Http.PutAsJsonAsync($"/api/villages/{village}/program", new { budgetAllocated = 20_160_000, coverageMonths = 1 })).EnsureSuccessStatusCode();
        var (staying, leaving) = (Worker(), Worker());
        await _host.Enroll(village, ApiHost.Body(staying));
        var leavingId = Text(await (await _host.Enroll(village, ApiHost.Body(leaving))).Json(), "enrollmentId");
        using var exporter = _host.ClientFor(_host.Token("bpjs-banyuwangi", [Roles.BpjsBranch], [village]));

        Assert.Equal(["baru", "baru"], await Changes(exporter, village));
        Assert.Empty(await Changes(exporter, village)); // nothing since
        _clock.Advance(TimeSpan.FromHours(1));
        (await Http.DeleteAsync($"/api/villages/{village}/enrollments/{leavingId}")).EnsureSuccessStatusCode();
        Assert.Equal(["berakhir"], await Changes(exporter, village));
        (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/2027", new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();
        _clock.Advance(TimeSpan.FromMinutes(1));
        (await Http.PostAsync($"/api/villages/{village}/programs/2027/renewals", null)).EnsureSuccessStatusCode();
        Assert.Equal(["diperpanjang"], await Changes(exporter, village));
        var full = await (await exporter.GetAsync($"/api/villages/{village}/enrollments/export")).Content.ReadAsStringAsync();
        Assert.Contains(staying.Nik!, full);
    }

    private async Task<List<string>> Changes(HttpClient client, string village)
    {
        var response = await client.GetAsync($"/api/villages/{village}/enrollments/export?changes=true");
        response.EnsureSuccessStatusCode();
        Assert.True(response.Headers.Contains("X-Export-Since"));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [.. lines.Skip(1).Select(static l => l.Split(',')[^1])];
    }

    private async Task<JsonElement> Reconcile(string regency, string csv)
    {
        var started = await Send(_branch, regency, csv);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = Text(await started.Json(), "id");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var status = await (await _branch.GetAsync($"/api/regions/{regency}/reconciliations/{id}?limit=100")).Json();
            if (Text(status, "state") != "running") return status;
            Assert.True(DateTime.UtcNow < deadline, $"the reconciliation did not finish: {status}");
            await Task.Delay(100);
        }
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string regency, string csv) =>
        client.PostAsync($"/api/regions/{regency}/reconciliations", new StringContent(csv, Encoding.UTF8, "text/csv"));

    private static string Text(JsonElement e, string name) => e.GetProperty(name).ToString();

    private static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();
}
