using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.Tests.Progress;
using Villages.WebApi.Security;
using Xunit.Abstractions;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Security;

/// <summary>
/// What a copy of the database gives away: after every kind of write (enrolment one by one, batch
/// in JSON and CSV, import, payment, reconciliation with KPJs, coverage question, exports, renewal
/// of a village and of a regency, withdrawal), every table read back as bytes holds no worker's
/// NIK, name or KPJ. NIKs and names are sealed in grain state; registries hold keyed hashes.
/// </summary>
public sealed class DataAtRestTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_every_kind_of_write_the_database_holds_no_nik_name_or_kpj_in_the_clear()
    {
        var clock = MovableClock.At25November2026();
        await using var host = new ApiHost(MovableClock.WatchedOften, clock: clock);
        await host.InitializeAsync();
        var http = host.Http;
        var (a, b) = (TestVillage(60), TestVillage(61));
        foreach (var village in new[] { a, b })
        {
            await Ok(http.PutAsJsonAsync($"/api/villages/{village}/programs/2026", new { budgetAllocated = 20_160_000, coverageMonths = 1 }));
        }
        var names = new[] { "Zulaikha Purbaningrum", "Wagiman Sastrowardoyo", "Ni Luh Ayu Kencanawati", "Bonifasius Tanoyo", "Raden Ajeng Sekarsari", "Muhammad Faizurrahman" };
        var workers = names.Select(n => Worker(name: n)).ToList();
        var (kpj, strangerKpj, stranger, asked) = ("90817263545", "80706050403", NewNik(), NewNik());

        await Ok(host.Enroll(a, ApiHost.Body(workers[0])));
        await Ok(http.PostAsJsonAsync($"/api/villages/{a}/enrollments/batch", new[] { ApiHost.Body(workers[1]), ApiHost.Body(workers[2]) }));
        await Ok(http.PostAsync($"/api/villages/{a}/enrollments/batch",
            new StringContent($"nik,name,occupation,monthlyIncome\n{workers[3].Nik},{workers[3].Name},petani,1000000\n", Encoding.UTF8, "text/csv")));
        using (var both = host.OperatorOf(a, b))
        {
            var file = new StringContent($"villageCode,nik,name,occupation,monthlyIncome\n{a},{workers[4].Nik},{workers[4].Name},nelayan,1000000\n"
                + $"{b},{workers[5].Nik},{workers[5].Name},nelayan,1000000\n", Encoding.UTF8, "text/csv");
            file.Headers.Add("X-File-Name", "berkas-kontrol.csv");
            var import = await (await both.PostAsync("/api/imports", file)).Json();
            await Finished(both, $"/api/imports/{Text(import, "id")}");
        }
        var dues = await (await http.GetAsync($"/api/villages/{a}/programs/2026/dues")).Json();
        var month = dues.GetProperty("months")[0];
        await Ok(http.PostAsJsonAsync($"/api/villages/{a}/programs/2026/payments",
            new { reference = "SP2D-KONTROL-7731", paidOn = "2026-11-25", months = new[] { Text(month, "month") }, amount = month.GetProperty("amountDue").GetInt64() }));

        using var branch = host.ClientFor(host.Token("bpjs-banyuwangi", [Roles.BpjsBranch], ["35.10"]));
        var result = new StringContent($"nik,kpj,status,registeredOn\n{workers[0].Nik},{kpj},registered,2026-11-25\n{stranger},{strangerKpj},registered,2026-11-25\n",
            Encoding.UTF8, "text/csv");
        var reconciliation = await (await branch.PostAsync("/api/regions/35.10/reconciliations", result)).Json();
        var reconciled = await Finished(branch, $"/api/regions/35.10/reconciliations/{Text(reconciliation, "id")}");
        Assert.Equal((1, 1), (reconciled.GetProperty("matched").GetInt32(), reconciled.GetProperty("unknown").GetInt32()));
        foreach (var nik in new[] { workers[1].Nik, asked })
        {
            await Ok(branch.PostAsJsonAsync("/api/coverage/lookup", new { nik, date = "2026-11-25" }));
        }
        await Ok(branch.GetAsync($"/api/villages/{a}/enrollments/export?changes=true"));
        await Ok(branch.GetAsync("/api/regions/35.10/enrollments/export?changes=true"));

        clock.SetWib(2026, 12, 1); // the one-month blocks have ended: renew them into 2027
        foreach (var village in new[] { a, b })
        {
            await Ok(http.PutAsJsonAsync($"/api/villages/{village}/programs/2027", new { budgetAllocated = 20_160_000 }));
        }
        var renewed = await (await http.PostAsync($"/api/villages/{a}/programs/2027/renewals", null)).Json();
        Assert.Equal(5, renewed.GetProperty("renewed").GetInt32());
        using (var officer = host.ClientFor(host.Token("officer-banyuwangi", [Roles.RegencyOfficer], ["35.10"])))
        {
            var job = await officer.PostAsJsonAsync("/api/regions/35.10/renewals", new { year = 2027 });
            var status = await Finished(officer, job.Headers.Location!.OriginalString);
            Assert.Equal(1, status.GetProperty("renewed").GetInt32()); // b's worker; a's are renewed already
        }
        var list = await (await http.GetAsync($"/api/villages/{a}/enrollments")).Json();
        await Ok(http.DeleteAsync($"/api/villages/{a}/enrollments/{Text(list.GetProperty("items")[0], "enrollmentId")}"));
        // Stopped: every grain still in memory (rollups, jobs) writes what it holds.
        await host.RestartAsync();

        var dump = await DatabaseDump.ReadAsync(host.ConnectionString);
        output.WriteLine($"{dump.Bytes:N0} bytes in {string.Join(", ", dump.RowsPerTable.Select(static t => $"{t.Key} {t.Value}"))}");
        // The dump sees what is there: clear text the service keeps on purpose, in text columns and in binary grain state.
        Assert.NotEmpty(dump.Find(a));                      // the registry's village_code
        Assert.NotEmpty(dump.Find("SP2D-KONTROL-7731"));    // a payment reference, inside the village's state
        Assert.NotEmpty(dump.Find("berkas-kontrol.csv"));   // the import's file name, inside its job's state
        var secrets = workers.SelectMany(static w => new[] { w.Nik!, w.Name! }).Concat([kpj, strangerKpj, stranger, asked]);
        var leaks = secrets.SelectMany(secret => dump.Find(secret).Select(where => $"{secret} in {where}")).ToList();
        Assert.True(leaks.Count == 0, "in the clear at rest:\n" + string.Join("\n", leaks));
    }

    private static async Task Ok(Task<HttpResponseMessage> request)
    {
        var response = await request;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static Task<JsonElement> Finished(HttpClient client, string location) =>
        Rollups.PollAsync(async () => await (await client.GetAsync(location)).Json(), static s => s.GetProperty("state").GetString() != "running", TimeSpan.FromSeconds(60));

    private static string Text(JsonElement e, string name) => e.GetProperty(name).ToString();
}
