using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Bulk;

/// <summary>A regency's file imported in the background, and the collective-registration export.</summary>
[Collection(ApiCollection.Name)]
public sealed class ImportAndExportTests(ApiFixture api)
{
    [Fact]
    public async Task A_regency_file_enrols_good_rows_reports_bad_ones_and_a_reupload_changes_nothing()
    {
        var (a, b) = (await api.OpenVillage(), await api.OpenVillage());
        var workers = Enumerable.Range(0, 6).Select(_ => Worker()).ToList();
        var csv = new StringBuilder("villageCode,nik,name,occupation,monthlyIncome,programs\n");
        foreach (var (w, i) in workers.Select((w, i) => (w, i))) csv.Append($"{(i % 2 == 0 ? a : b)},{w.Nik},Pekerja {i},nelayan,1000000,JKK JKM\n");
        csv.Append($"{a},3510013202900001,Bad Date,nelayan,1000000,\n");       // invalid NIK
        csv.Append($"99.99.99.9999,{Worker().Nik},Nowhere,nelayan,1000000,\n"); // unknown village
        csv.Append($"{b},{Worker().Nik},Astronaut,astronaut,1000000,\n");     // unknown occupation

        using var operatorOfBoth = api.Host.OperatorOf(a, b);
        var first = await Import(operatorOfBoth, csv.ToString());
        Assert.Equal((9, 6, 3), (first.GetProperty("rows").GetInt32(), first.GetProperty("created").GetInt32(), first.GetProperty("rejected").GetInt32()));
        var report = await Report(operatorOfBoth, first);
        Assert.Equal(10, report.Length); // header + 9 rows
        Assert.Contains(report, line => line.StartsWith("8,", StringComparison.Ordinal) && line.Contains("invalid-nik"));
        Assert.Contains(report, line => line.StartsWith("9,99.99.99.9999", StringComparison.Ordinal) && line.Contains("No village"));
        Assert.All(workers, w => Assert.DoesNotContain(w.Nik!, string.Join('\n', report)));

        var again = await Import(operatorOfBoth, csv.ToString());
        Assert.Equal((0, 6, 3), (again.GetProperty("created").GetInt32(), again.GetProperty("unchanged").GetInt32(), again.GetProperty("rejected").GetInt32()));
        var village = await (await api.Http.GetAsync($"/api/villages/{a}")).Json();
        Assert.Equal(3, village.GetProperty("activeEnrollments").GetInt32());
    }

    [Fact]
    public async Task An_import_only_touches_the_villages_its_token_names_and_only_its_owner_sees_it()
    {
        var (inside, neighbour) = (await api.OpenVillage(), await api.OpenVillage());
        using var villageOperator = api.Host.ClientFor(api.Host.Token("op-village", [Roles.VillageOperator], [inside]));
        var csv = $"villageCode,nik,name,occupation,monthlyIncome\n{inside},{Worker().Nik},A,petani,1000000\n"
            + $"{neighbour},{Worker().Nik},B,petani,1000000\n36.01.01.2001,{Worker().Nik},C,petani,1000000\n";
        var status = await Import(villageOperator, csv);
        Assert.Equal((1, 2), (status.GetProperty("created").GetInt32(), status.GetProperty("rejected").GetInt32()));
        Assert.Equal(2, (await Report(villageOperator, status)).Count(line => line.Contains("outside your region")));
        Assert.Equal(0, (await (await api.Http.GetAsync($"/api/villages/{neighbour}")).Json()).GetProperty("activeEnrollments").GetInt32());
        // A token naming the district (or any wider region) gives an operator no village at all.
        using var districtOperator = api.Host.ClientFor(api.Host.Token("op-district", [Roles.VillageOperator], [inside[..8]]));
        await (await districtOperator.PostAsync("/api/imports", new StringContent(csv, Encoding.UTF8, "text/csv"))).Problem(403, "forbidden");
        using var someoneElse = api.Host.ClientFor(api.Host.Token("other", [Roles.VillageOperator], [inside]));
        await (await someoneElse.GetAsync($"/api/imports/{status.GetProperty("id").GetString()}")).Problem(403, "forbidden");
        using var officer = api.Host.ClientFor(api.Host.Token("officer", [Roles.RegencyOfficer], ["35"]));
        await (await officer.PostAsync("/api/imports", new StringContent(csv, Encoding.UTF8, "text/csv"))).Problem(403, "forbidden");
        await (await villageOperator.PostAsync("/api/imports", new StringContent("nik,name\n1,2\n", Encoding.UTF8, "text/csv"))).Problem(400, "malformed-request");
        await (await villageOperator.PostAsync("/api/imports", new StringContent("{}", Encoding.UTF8, "application/json"))).Problem(415, "unsupported-media-type");
    }

    [Fact]
    public async Task The_collective_registration_export_has_full_niks_for_those_allowed_only()
    {
        var code = await api.OpenVillage();
        await api.Host.RegisterAgentAsync("PERISAI-9", code[..8]);
        var worker = Worker(agentId: "PERISAI-9");
        await api.Host.Enroll(code, ApiHost.Body(worker));
        using var branch = api.Host.ClientFor(api.Host.Token("bpjs-banyuwangi", [Roles.BpjsBranch], ["35.10"]));

        var lines = (await (await branch.GetAsync($"/api/regions/{code[..8]}/enrollments/export")).Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NIK,Nama,Tanggal Lahir,Jenis Kelamin", lines[0]);
        var row = Assert.Single(lines, l => l.StartsWith(worker.Nik!, StringComparison.Ordinal));
        Assert.Contains($"{code},", row);
        Assert.Contains("JKK+JKM,16800,12,", row);
        Assert.Contains("PERISAI-9", row);

        using var officer = api.Host.ClientFor(api.Host.Token("officer", [Roles.RegencyOfficer], ["35.10"]));
        await (await officer.GetAsync($"/api/villages/{code}/enrollments/export")).Problem(403, "forbidden");
        await (await api.Host.Anonymous.GetAsync($"/api/villages/{code}/enrollments/export")).Problem(401, "unauthenticated");
        await (await branch.GetAsync("/api/regions/35/enrollments/export")).Problem(400, "invalid-region-code");
        Assert.DoesNotContain(worker.Nik!, string.Join('\n', api.Host.Logs.Lines));
    }

    private static async Task<JsonElement> Import(HttpClient client, string csv)
    {
        var started = await client.PostAsync("/api/imports", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var status = await (await client.GetAsync(location)).Json();
            if (status.GetProperty("state").GetString() != "running" || DateTime.UtcNow > deadline) return status;
            await Task.Delay(100);
        }
    }

    private static async Task<string[]> Report(HttpClient client, JsonElement status) =>
        (await (await client.GetAsync($"/api/imports/{status.GetProperty("id").GetString()}/report")).Content.ReadAsStringAsync())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
