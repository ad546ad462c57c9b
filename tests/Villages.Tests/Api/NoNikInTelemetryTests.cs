using System.Diagnostics;
using System.Text;
using Villages.Tests.Infrastructure;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Api;

/// <summary>A NIK never appears in a log, a trace or a metric, whatever happens to the request.</summary>
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
        var metrics = await api.Host.Management.GetStringAsync("/metrics");
        await Task.Delay(500); // let the last spans end

        var spans = api.Host.Spans.ToList().Select(Describe);
        var everything = string.Join("\n", api.Host.Logs.Lines.Concat(spans).Append(metrics));
        Assert.NotEmpty(api.Host.Logs.Lines);
        Assert.Contains(api.Host.Spans.ToList(), s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        foreach (var nik in niks)
        {
            Assert.DoesNotContain(nik, everything);
            Assert.DoesNotContain(nik[..12], everything); // nor its area and birth date without the serial
        }
    }

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
