using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Villages.Domain;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.Tests.Progress;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Bulk;

/// <summary>
/// A worker named like a spreadsheet formula is a worker like any other: accepted, and returned as
/// sent in JSON; in every CSV the service writes (the collective-registration exports, the import
/// report, the renewal report) the cell opens as text, never as a formula.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CsvInjectionTests(ApiFixture api)
{
    private const string Hyperlink = "=HYPERLINK(\"http://x\",\"y\")";
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];
    private static readonly int NextYear = CoverageCalendar.Year(TimeProvider.System.GetUtcNow()) + 1;

    [Fact]
    public async Task Formula_names_round_trip_through_json_and_open_as_text_in_every_csv()
    {
        var village = await api.OpenVillage();
        await api.Host.RegisterAgentAsync("-1-1", village[..8]); // an agent code that starts like a formula
        var (hyperlink, sum, plus) = (Worker(name: Hyperlink, agentId: "-1-1"), Worker(name: "@SUM(1+1)*cmd|' /C calc'!A0"), Worker(name: "+62 Budi"));
        var created = await (await api.Host.Enroll(village, ApiHost.Body(hyperlink))).Json();
        Assert.Equal((Hyperlink, "-1-1"), (created.GetProperty("name").GetString(), created.GetProperty("agentId").GetString()));
        var batch = await (await api.Http.PostAsJsonAsync($"/api/villages/{village}/enrollments/batch", new[] { ApiHost.Body(sum) })).Json();
        Assert.Equal(1, batch.GetProperty("created").GetInt32());
        var fromCsv = await api.Http.PostAsync($"/api/villages/{village}/enrollments/batch",
            Csv($"nik,name,occupation,monthlyIncome\n{plus.Nik},{plus.Name},petani,1000000\n"));
        Assert.Equal(1, (await fromCsv.Json()).GetProperty("created").GetInt32());

        // JSON: as sent.
        var one = await (await api.Http.GetAsync($"/api/villages/{village}/enrollments/{created.GetProperty("enrollmentId").GetString()}")).Json();
        Assert.Equal(Hyperlink, one.GetProperty("name").GetString());
        var names = (await (await api.Http.GetAsync($"/api/villages/{village}/enrollments")).Json()).GetProperty("items").EnumerateArray()
            .Select(static e => e.GetProperty("name").GetString()).ToList();
        Assert.Equal(new[] { Hyperlink, sum.Name, plus.Name }.Order(), names.Order());

        // The collective-registration exports: the village's (its operator) and the regency's (the BPJS branch).
        using var branch = api.Host.ClientFor(api.Host.Token("bpjs-banyuwangi", [Roles.BpjsBranch], [village[..5]]));
        foreach (var export in new[]
        {
            await Download(api.Http, $"/api/villages/{village}/enrollments/export"),
            await Download(branch, $"/api/regions/{village[..8]}/enrollments/export"),
        })
        {
            var rows = export.Where(r => r[11] == village).ToDictionary(static r => r[0]);
            Assert.Equal(("'" + Hyperlink, "'-1-1"), (rows[hyperlink.Nik!][1], rows[hyperlink.Nik!][17]));
            Assert.Equal("'" + sum.Name, rows[sum.Nik!][1]);
            Assert.Equal("'" + plus.Name, rows[plus.Nik!][1]);
            Assert.Equal(("1000000", "16800", "12"), (rows[hyperlink.Nik!][5], rows[hyperlink.Nik!][7], rows[hyperlink.Nik!][8]));
        }

        // The import report: what the file said (a village code that is a formula) comes back as text.
        using var owner = api.Host.OperatorOf(village);
        var import = await owner.PostAsync("/api/imports", Csv(
            "villageCode,nik,name,occupation,monthlyIncome\n"
            + $"{village},{NewNik()},=1+2,petani,1000000\n"
            + $"\"{Hyperlink.Replace("\"", "\"\"")}\",{NewNik()},Rina,petani,1000000\n"
            + $"@{village},{NewNik()},Rudi,petani,1000000\n"));
        Assert.Equal(HttpStatusCode.Accepted, import.StatusCode);
        var done = await Finished(owner, import.Headers.Location!);
        Assert.Equal((1, 2), (done.GetProperty("created").GetInt32(), done.GetProperty("rejected").GetInt32()));
        var report = await Download(owner, $"/api/imports/{done.GetProperty("id").GetString()}/report");
        Assert.Contains(report, r => r[1] == "'" + Hyperlink);
        Assert.Contains(report, r => r[1] == "'@" + village);

        // The renewal report of the district (no names in it, but the same writer).
        (await api.Http.PutAsJsonAsync($"/api/villages/{village}/programs/{NextYear}", new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();
        using var officer = api.Host.ClientFor(api.Host.Token("officer", [Roles.RegencyOfficer], [village[..5]]));
        var started = await officer.PostAsJsonAsync($"/api/regions/{village[..8]}/renewals", new { year = NextYear });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        await Finished(officer, started.Headers.Location!, "completed");
        var renewals = await Download(officer, started.Headers.Location!.OriginalString + "/report");
        Assert.Contains(renewals, r => r[0] == village);
    }

    /// <summary>Reads a CSV download and checks that no cell of it would start a formula.</summary>
    private static async Task<List<string[]>> Download(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        using var parser = new CsvParser(new StringReader(await response.Content.ReadAsStringAsync()), CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (await parser.ReadAsync()) rows.Add(parser.Record!);
        Assert.True(rows.Count > 1, $"{path}: no rows");
        Assert.All(rows.SelectMany(static r => r), cell => Assert.False(cell.Length > 0 && FormulaStarts.Contains(cell[0]), $"{path}: the cell {cell} opens as a formula"));
        return rows;
    }

    private static async Task<JsonElement> Finished(HttpClient client, Uri location, string? state = null) =>
        await Rollups.PollAsync(async () => await (await client.GetAsync(location)).Json(),
            s => state is null ? s.GetProperty("state").GetString() != "running" : s.GetProperty("state").GetString() == state, TimeSpan.FromSeconds(60));

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");
}
