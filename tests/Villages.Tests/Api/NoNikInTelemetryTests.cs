using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text;
using Villages.Tests.Infrastructure;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Api;

/// <summary>A NIK never appears in a log, a trace or a metric, whatever happens to the request: enrolments, batches, imports, reconciliations, exports.</summary>
[Collection(ApiCollection.Name)]
public sealed class NoNikInTelemetryTests(ApiFixture api)
{
    [Fact]
    public async Task A_full_scenario_leaves_no_nik_in_logs_traces_or_metrics()
    {
        var code = await api.OpenVillage(budget: 3 * YearOfUsualPackage);
        var workers = Enumerable.Range(0, 4).Select(_ => Worker()).ToList();
        var niks = workers.Select(w => w.Nik!).ToList();
        foreach (var w in workers) await api.Host.Enroll(code, ApiHost.Body(w));          // the last is over budget
        await api.Host.Enroll(code, ApiHost.Body(workers[0]));                           // unchanged
        await api.Host.Enroll(code, ApiHost.Body(workers[1] with { MonthlyIncome = 1_200_000 }));
        await api.Host.Enroll(await api.OpenVillage(), ApiHost.Body(workers[2]));        // enrolled elsewhere
        var invalid = "3510013202900001";
        niks.Add(invalid);
        await api.Host.Enroll(code, ApiHost.Body(Worker(nik: invalid)));
        await api.Http.PostAsync($"/api/villages/{code}/enrollments", new StringContent($"{{\"nik\":{workers[3].Nik}", Encoding.UTF8, "application/json"));
        var csv = $"nik,name,occupation,monthlyIncome\n{workers[3].Nik},Ani,petani,1000000\n";
        await api.Http.PostAsync($"/api/villages/{code}/enrollments/batch", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var list = await (await api.Http.GetAsync($"/api/villages/{code}/enrollments")).Json();
        var id = list.GetProperty("items")[0].GetProperty("enrollmentId").GetString();
        await api.Http.DeleteAsync($"/api/villages/{code}/enrollments/{id}");
        await JobsAndExportsAsync(code, workers, niks);
        var metrics = await api.Host.Management.GetStringAsync("/metrics");
        await Task.Delay(500); // let the last spans end

        var spans = api.Host.SpansSoFar().Select(Describe);
        var everything = string.Join("\n", api.Host.Logs.Lines.Concat(spans).Append(metrics));
        Assert.NotEmpty(api.Host.Logs.Lines);
        Assert.Contains(api.Host.SpansSoFar(), s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        // The jobs and exports were traced: what is searched below covers them.
        foreach (var route in new[] { "/api/imports", "/api/regions/{code}/reconciliations", "/api/villages/{code}/enrollments/export", "/api/coverage/lookup" })
        {
            Assert.Contains(route, everything);
        }
        foreach (var nik in niks)
        {
            Assert.DoesNotContain(nik, everything);
            Assert.DoesNotContain(nik[..12], everything); // nor its area and birth date without the serial
        }
    }

    /// <summary>An import, a BPJS result file and the exports: NIKs in bodies and files by the hundred, never in telemetry.</summary>
    private async Task JobsAndExportsAsync(string code, List<EnrollmentRequest> workers, List<string> niks)
    {
        var (newcomer, stranger) = (Worker(), NewNik());
        niks.AddRange([newcomer.Nik!, stranger]);
        using var operatorOf = api.Host.OperatorOf(code);
        var file = $"villageCode,nik,name,occupation,monthlyIncome\n{code},{workers[0].Nik},Ani,petani,1000000\n{code},{newcomer.Nik},Budi,petani,1000000\n"
            + $"{code},3510013202900001,Cici,petani,1000000\n";
        var import = await (await operatorOf.PostAsync("/api/imports", new StringContent(file, Encoding.UTF8, "text/csv"))).Json();
        await Finished(operatorOf, $"/api/imports/{import.GetProperty("id").GetString()}");
        await operatorOf.GetStringAsync($"/api/imports/{import.GetProperty("id").GetString()}/report");

        using var branch = api.Host.ClientFor(api.Host.Token("bpjs-telemetry", [WebApi.Security.Roles.BpjsBranch], ["35.10"]));
        var result = $"nik,kpj,status,registeredOn\n{workers[0].Nik},{Kpj()},registered,2026-01-05\n{stranger},{Kpj()},registered,2026-01-05\n{newcomer.Nik},,refused,,NIK tidak sesuai\n";
        var reconciliation = await (await branch.PostAsync("/api/regions/35.10/reconciliations", new StringContent(result, Encoding.UTF8, "text/csv"))).Json();
        var location = $"/api/regions/35.10/reconciliations/{reconciliation.GetProperty("id").GetString()}";
        await Finished(branch, location);
        await branch.GetStringAsync(location + "/report");
        await branch.PostAsJsonAsync("/api/coverage/lookup", new { nik = stranger, date = "2026-01-05" });

        // The exports carry NIKs in full, in their bodies only.
        var exported = await branch.GetStringAsync($"/api/villages/{code}/enrollments/export");
        Assert.Contains(workers, w => exported.Contains(w.Nik!, StringComparison.Ordinal));
        await branch.GetStringAsync($"/api/villages/{code}/enrollments/export?changes=true");
        await branch.GetStringAsync("/api/regions/35.10/enrollments/export?changes=true");
    }

    private static string Kpj() => Random.Shared.NextInt64(10_000_000_000, 99_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Task<JsonElement> Finished(HttpClient client, string location) =>
        Progress.Rollups.PollAsync(async () => await (await client.GetAsync(location)).Json(), static s => s.GetProperty("state").GetString() != "running", TimeSpan.FromSeconds(60));

    private static string Describe(Activity span)
    {
        var text = new StringBuilder($"{span.Source.Name} {span.DisplayName} {span.StatusDescription}");
        foreach (var tag in span.TagObjects) text.Append($" {tag.Key}={tag.Value}");
        foreach (var e in span.Events)
        {
            text.Append($" event {e.Name}");
            foreach (var tag in e.Tags) text.Append($" {tag.Key}={tag.Value}");
        }
        foreach (var baggage in span.Baggage) text.Append($" {baggage.Key}={baggage.Value}");
        return text.ToString();
    }
}
