using System.Net.Http.Json;
using System.Text.Json;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Security;

/// <summary>Every change to a village is in its history: who, in which role, when, what, under which trace.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuditTrailTests(ApiFixture api)
{
    [Fact]
    public async Task Programme_enrolment_repricing_and_withdrawal_are_recorded_with_their_actor_and_trace()
    {
        var code = api.NextVillage();
        using var operatorClient = api.Host.ClientFor(api.Host.Token("op-ani", [Roles.VillageOperator], [code]));
        using var agentClient = api.Host.ClientFor(api.Host.Token("agent-budi", [Roles.PerisaiAgent], [code], "PERISAI-7"));
        await api.Host.RegisterAgentAsync("PERISAI-7", code[..8]);
        var worker = Worker();
        await operatorClient.PutAsJsonAsync($"/api/villages/{code}/program", new { budgetAllocated = 20_160_000 });
        await operatorClient.PutAsJsonAsync($"/api/villages/{code}/program", new { budgetAllocated = 30_000_000 });
        var traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/villages/{code}/enrollments") { Content = JsonContent.Create(ApiHost.Body(worker)) };
        request.Headers.Add("traceparent", traceparent);
        var id = (await (await agentClient.SendAsync(request)).Json()).GetProperty("enrollmentId").GetString();
        await operatorClient.PostAsJsonAsync($"/api/villages/{code}/enrollments", ApiHost.Body(worker with { MonthlyIncome = 1_500_000 }));
        await operatorClient.DeleteAsync($"/api/villages/{code}/enrollments/{id}");

        var history = await (await operatorClient.GetAsync($"/api/villages/{code}/history")).Json();

        var items = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["withdrawn", "repriced", "enrolled", "program-changed", "program-opened"], items.Select(i => i.GetProperty("kind").GetString()));
        Assert.Equal(("agent-budi", "perisai-agent"), Actor(items[2]));
        Assert.Equal(("op-ani", "village-operator"), Actor(items[0]));
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", items[2].GetProperty("traceId").GetString());
        Assert.All(items, i => Assert.Matches("^[0-9a-f]{32}$", i.GetProperty("traceId").GetString()));
        Assert.Equal(id, items[0].GetProperty("enrollmentId").GetString());
        Assert.Equal(worker.Nik![..4] + "********" + worker.Nik![12..], items[2].GetProperty("nik").GetString());
        Assert.Equal(YearOfUsualPackage, items[2].GetProperty("budgetDelta").GetInt64());
        Assert.Contains("PERISAI-7", items[2].GetProperty("what").GetString());
        Assert.Contains("Rp1,000,000 -> Rp1,500,000", items[1].GetProperty("what").GetString());
        Assert.Contains("budget Rp20,160,000 -> Rp30,000,000", items[3].GetProperty("what").GetString());
        Assert.DoesNotContain(worker.Nik, history.ToString());
        Assert.DoesNotContain(worker.Name!, history.ToString());
    }

    [Fact]
    public async Task The_history_survives_a_restart_and_only_grows()
    {
        var host = new ApiHost();
        await host.InitializeAsync();
        try
        {
            var code = TestVillage(3);
            await host.PutProgram(code, new { budgetAllocated = 20_160_000 });
            await host.Enroll(code, ApiHost.Body(Worker()));
            var before = (await (await host.Http.GetAsync($"/api/villages/{code}/history")).Json()).GetProperty("items").ToString();

            await host.RestartAsync();

            await host.Enroll(code, ApiHost.Body(Worker()));
            var after = await (await host.Http.GetAsync($"/api/villages/{code}/history")).Json();
            Assert.Equal(3, after.GetProperty("total").GetInt32());
            var older = JsonSerializer.Deserialize<JsonElement[]>(before)!;
            var kept = after.GetProperty("items").EnumerateArray().Skip(1).ToArray();
            Assert.Equal(older.Select(e => e.ToString()), kept.Select(e => e.ToString()));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static (string?, string?) Actor(JsonElement item) =>
        (item.GetProperty("actor").GetProperty("subject").GetString(), item.GetProperty("actor").GetProperty("role").GetString());
}
