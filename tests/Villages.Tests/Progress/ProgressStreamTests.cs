using System.Net;
using System.Text.Json;
using Villages.Tests.Api;
using static Villages.Tests.Infrastructure.Workers;
using static Villages.Tests.Progress.ProgressApiFixture;

namespace Villages.Tests.Progress;

/// <summary>Screens on the live stream over real HTTP: the figures at once, then every change within seconds.</summary>
[Collection(ProgressApiCollection.Name)]
public sealed class ProgressStreamTests(ProgressApiFixture api)
{
    [Fact]
    public async Task A_screen_gets_the_figures_at_once_then_a_new_enrolment_within_seconds()
    {
        var regency = Find("32.04"); // Kabupaten Bandung
        var district = regency.Children[0];
        var village = district.Children[0].Code;
        using var screen = await ProgressScreen.OpenAsync(api.Http, regency.Code);
        Assert.Equal(HttpStatusCode.OK, screen.Response.StatusCode);
        Assert.Equal("text/event-stream", screen.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(screen.Response.Headers.CacheControl?.NoCache);

        var now = await screen.NextAsync(static _ => true);
        Assert.Equal(regency.Code, now.GetProperty("region").GetProperty("code").GetString());
        Assert.Equal((0, regency.VillageCount), (Enrolled(now), Int(now.GetProperty("totals"), "villages")));
        Assert.Equal(regency.Children.Count, now.GetProperty("children").GetArrayLength());

        await api.OpenAsync(village, target: 10);
        await screen.NextAsync(static p => Int(p.GetProperty("totals"), "villagesWithProgram") == 1);
        await api.Host.RegisterAgentAsync("PERISAI-32", regency.Code);
        await api.EnrollAsync(village, Worker(occupation: "pemulung", agentId: "PERISAI-32"));

        var later = await screen.NextAsync(static p => Enrolled(p) == 1);
        Assert.Equal(YearOfUsualPackage, Long(later.GetProperty("totals"), "budgetCommitted"));
        Assert.Equal(1, later.GetProperty("occupations").GetProperty("pemulung").GetInt32());
        Assert.Equal("PERISAI-32", Items(later, "topAgents").Single().GetProperty("agentId").GetString());
        var child = Items(later, "children").Single(c => c.GetProperty("code").GetString() == district.Code);
        Assert.Equal((1, 1, 10L), (Int(child, "villagesWithProgram"), Int(child, "workersEnrolled"), Long(child, "workerTarget")));
    }

    [Fact]
    public async Task Two_screens_on_one_region_both_see_the_change()
    {
        var regency = Find("33.01"); // Kabupaten Cilacap
        var village = regency.Children[1].Children[0].Code;
        using var first = await ProgressScreen.OpenAsync(api.Http, regency.Code);
        using var second = await ProgressScreen.OpenAsync(api.Http, regency.Code);
        await first.NextAsync(static _ => true);
        await second.NextAsync(static _ => true);

        await api.OpenAsync(village, target: 2);
        await api.EnrollManyAsync(village, 2);

        foreach (var screen in new[] { first, second })
        {
            var seen = await screen.NextAsync(static p => Enrolled(p) == 2);
            Assert.Equal(1, Int(seen.GetProperty("totals"), "villagesAtTarget"));
        }
    }

    [Theory]
    [InlineData("35.10.01.2001", 400, "invalid-region-code")]
    [InlineData("3510", 400, "invalid-region-code")]
    [InlineData("", 400, "invalid-region-code")]
    [InlineData("99", 404, "region-not-found")]
    [InlineData("35.10.99", 404, "region-not-found")]
    public async Task A_bad_region_on_the_stream_is_a_problem(string region, int status, string code)
    {
        using var screen = await ProgressScreen.OpenAsync(api.Http, region);
        await screen.Response.Problem(status, code);
    }

    private static int Enrolled(JsonElement progress) => Int(progress.GetProperty("totals"), "workersEnrolled");
}
