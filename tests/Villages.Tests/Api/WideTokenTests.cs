using System.Net.Http.Json;
using System.Text;
using Villages.Domain;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Api;

/// <summary>
/// The attacker's walk of issue 14: an operator's (or agent's) token naming a regency, or any region
/// wider than a village, writes nothing. Every write endpoint answers 403 with a problem, and every
/// figure, enrolment, history entry and audited question is as it was.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WideTokenTests(ApiFixture api)
{
    private static readonly int NextYear = CoverageCalendar.Year(TimeProvider.System.GetUtcNow()) + 1;

    /// <summary>Every operation of the document that needs a token and is not a GET.</summary>
    private static readonly string[] Writes =
    [
        "putProgram", "putYearProgram", "renew", "enroll", "enrollBatch", "enrollBatchCsv", "withdraw", "startImport", "lookupCoverage", "startRegionRenewal",
        "recordPayment", "reinstate", "startReconciliation", "putAgent",
    ];

    [Fact]
    public async Task The_list_names_every_write_that_needs_a_token()
    {
        var writes = (await api.Host.OperationsNeedingATokenAsync()).Where(static o => o.Method != "get").Select(static o => o.Id);
        Assert.Equal(writes.Order(), Writes.Where(static w => w != "enrollBatchCsv").Order());
    }

    [Theory]
    [InlineData("village-operator", 5)]  // the regency: the hole of issue 14
    [InlineData("village-operator", 8)]  // its district
    [InlineData("village-operator", 2)]  // its province
    [InlineData("village-operator", 0)]  // the nation
    [InlineData("perisai-agent", 5)]
    [InlineData("perisai-agent", 8)]
    public async Task A_token_naming_a_region_wider_than_a_village_writes_nothing(string role, int regionLength)
    {
        var (village, neighbour) = (await api.OpenVillage(), await api.OpenVillage());
        (await api.Http.PutAsJsonAsync($"/api/villages/{village}/programs/{NextYear}", new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();
        var worker = Worker();
        var enrolled = (await (await api.Host.Enroll(village, ApiHost.Body(worker))).Json()).GetProperty("enrollmentId").GetString()!;
        var region = regionLength == 0 ? "ID" : village[..regionLength];
        using var wide = api.Host.ClientFor(api.Host.Token($"{role}-of-{region}", [role], [region], "PERISAI-WIDE"));
        var before = await State(village, neighbour);

        foreach (var write in Writes)
        {
            using var response = await Send(write, wide, village, neighbour, enrolled, worker.Nik!);
            var problem = await response.Problem(403, "forbidden");
            Assert.Contains(role, problem.GetProperty("detail").GetString());
        }

        Assert.Equal(before, await State(village, neighbour));
    }

    private static async Task<HttpResponseMessage> Send(string write, HttpClient client, string village, string neighbour, string enrollmentId, string nik) => write switch
    {
        "putProgram" => await client.PutAsJsonAsync($"/api/villages/{village}/program", new { budgetAllocated = 1 }),
        "putYearProgram" => await client.PutAsJsonAsync($"/api/villages/{village}/programs/{NextYear}", new { budgetAllocated = 99_000_000 }),
        "renew" => await client.PostAsync($"/api/villages/{village}/programs/{NextYear}/renewals", null),
        "enroll" => await client.PostAsJsonAsync($"/api/villages/{village}/enrollments", ApiHost.Body(Worker())),
        "enrollBatch" => await client.PostAsJsonAsync($"/api/villages/{village}/enrollments/batch", new[] { ApiHost.Body(Worker()), ApiHost.Body(Worker()) }),
        "enrollBatchCsv" => await client.PostAsync($"/api/villages/{village}/enrollments/batch",
            Csv($"nik,name,occupation,monthlyIncome\n{NewNik()},Rina,petani,1000000\n")),
        "withdraw" => await client.DeleteAsync($"/api/villages/{village}/enrollments/{enrollmentId}"),
        "startImport" => await client.PostAsync("/api/imports",
            Csv($"villageCode,nik,name,occupation,monthlyIncome\n{village},{NewNik()},Rina,petani,1000000\n{neighbour},{NewNik()},Rudi,petani,1000000\n")),
        "lookupCoverage" => await client.PostAsJsonAsync("/api/coverage/lookup",
            new { nik, date = CoverageCalendar.LocalDate(TimeProvider.System.GetUtcNow()).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }),
        "startRegionRenewal" => await client.PostAsJsonAsync($"/api/regions/{village[..5]}/renewals", new { year = NextYear }),
        "recordPayment" => await client.PostAsJsonAsync($"/api/villages/{village}/programs/{NextYear}/payments",
            new { reference = "WIDE-1", paidOn = CoverageCalendar.LocalDate(TimeProvider.System.GetUtcNow()).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                months = new[] { $"{NextYear}-01" }, amount = 16_800 }),
        "reinstate" => await client.PostAsJsonAsync($"/api/villages/{village}/programs/{NextYear}/reinstatements", new { enrollmentIds = new[] { enrollmentId }, reason = "x" }),
        "startReconciliation" => await client.PostAsync($"/api/regions/{village[..5]}/reconciliations", Csv($"nik,kpj,status,registeredOn\n{nik},12345678901,registered,2026-01-05\n")),
        "putAgent" => await client.PutAsJsonAsync("/api/agents/PERISAI-WIDE", new { name = "Agen Lebar", region = village[..5], status = "active" }),
        _ => throw new ArgumentOutOfRangeException(nameof(write), write, null),
    };

    /// <summary>What a write could have changed: both villages as everyone sees them, their enrolments and history, next year's programme, the month's audited questions, the agent.</summary>
    private async Task<string> State(string village, string neighbour)
    {
        using var monitor = api.Host.ClientFor(api.Host.Token("monitor", [Roles.NationalMonitor]));
        var parts = new List<string>();
        foreach (var code in new[] { village, neighbour })
        {
            parts.Add(await api.Http.GetStringAsync($"/api/villages/{code}"));
            parts.Add(await api.Http.GetStringAsync($"/api/villages/{code}/enrollments?limit=500"));
            parts.Add(await api.Http.GetStringAsync($"/api/villages/{code}/history?limit=500"));
        }
        parts.Add((await (await monitor.GetAsync("/api/coverage/lookups")).Json()).GetProperty("total").ToString());
        parts.Add(((int)(await monitor.GetAsync("/api/agents/PERISAI-WIDE")).StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return string.Join('\n', parts);
    }

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");
}
