using System.Net;
using System.Text;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.Tests.Progress;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Security;

/// <summary>
/// What one caller may hold at once, with the default limits (Villages:Limits): live streams per
/// caller, imports and reconciliations running per caller. Each refusal is a 429 problem with
/// Retry-After, and it is the caller's alone: others go on.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class LimitsTests(ApiFixture api)
{
    [Fact]
    public async Task The_eleventh_stream_of_one_caller_is_refused_and_others_still_get_theirs()
    {
        using var caller = Caller(Roles.NationalMonitor, "ID");
        var streams = new List<ProgressScreen>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                streams.Add(await ProgressScreen.OpenAsync(caller, "35"));
                Assert.Equal(HttpStatusCode.OK, streams[^1].Response.StatusCode);
            }
            using var eleventh = await ProgressScreen.OpenAsync(caller, "35");
            await RefusedAsync(eleventh.Response, "too-many-streams");

            // Someone else, signed in or not, is not held back by that caller's streams.
            using var other = Caller(Roles.NationalMonitor, "ID");
            using var theirs = await ProgressScreen.OpenAsync(other, "35");
            Assert.Equal(HttpStatusCode.OK, theirs.Response.StatusCode);
            using var anonymous = await ProgressScreen.OpenAsync(api.Host.Anonymous, "35");
            Assert.Equal(HttpStatusCode.OK, anonymous.Response.StatusCode);

            // A stream closed gives its slot back.
            streams[0].Dispose();
            streams.RemoveAt(0);
            streams.Add(await EventuallyOpenAsync(caller));
        }
        finally
        {
            foreach (var stream in streams) stream.Dispose();
        }
    }

    [Fact]
    public async Task A_caller_running_its_two_imports_is_refused_a_third_until_one_ends()
    {
        var village = await api.OpenVillage();
        var subject = "importer-" + Guid.NewGuid().ToString("N")[..8];
        using var caller = api.Host.ClientFor(api.Host.Token(subject, [Roles.VillageOperator], [village]));
        var slots = api.Host.Grains.JobSlotsOf(JobSlots.Import);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        // Two imports of this caller still running (started a moment ago: their slots are not questioned).
        await slots.TryTake(first, subject, new JobQuota(2, 16));
        await slots.TryTake(second, subject, new JobQuota(2, 16));
        try
        {
            var file = $"villageCode,nik,name,occupation,monthlyIncome\n{village},{Worker().Nik},Sri Wahyuni,petani,1000000\n";
            await RefusedAsync(await Import(caller, file), "too-many-jobs");
            Assert.Equal(0, (await (await api.Http.GetAsync($"/api/villages/{village}")).Json()).GetProperty("activeEnrollments").GetInt32());

            // Another caller's import goes in.
            using var other = api.Host.OperatorOf(village);
            Assert.Equal(HttpStatusCode.Accepted, (await Import(other, file)).StatusCode);

            await slots.Release(first);
            var accepted = await Import(caller, file);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var job = (await accepted.Json()).GetProperty("id").GetString()!;
            // An import that has ended gives its slot back: the caller may start two again.
            await Eventually(async () => (await (await caller.GetAsync($"/api/imports/{job}")).Json()).GetProperty("state").GetString() == "completed");
            await slots.Release(second);
            await EventuallyAccepted(() => Import(caller, file));
            await EventuallyAccepted(() => Import(caller, file));
        }
        finally
        {
            await slots.Release(first);
            await slots.Release(second);
        }
    }

    [Fact]
    public async Task A_slot_whose_job_has_ended_is_freed_when_the_caller_runs_short()
    {
        var village = await api.OpenVillage();
        var subject = "importer-" + Guid.NewGuid().ToString("N")[..8];
        using var caller = api.Host.ClientFor(api.Host.Token(subject, [Roles.VillageOperator], [village]));
        var file = $"villageCode,nik,name,occupation,monthlyIncome\n{village},{Worker().Nik},Made Sudana,petani,1000000\n";
        var job = Guid.Parse((await (await Import(caller, file)).Json()).GetProperty("id").GetString()!);
        await Eventually(async () => (await (await caller.GetAsync($"/api/imports/{job}")).Json()).GetProperty("state").GetString() == "completed");
        await Task.Delay(500); // its own release has arrived
        var slots = api.Host.Grains.JobSlotsOf(JobSlots.Import);
        var starting = Guid.NewGuid();
        // The ended job's slot held again, as if its release had been lost, and a job whose start is on its way.
        Assert.Equal(JobRefusal.None, await slots.TryTake(job, subject, new JobQuota(2, 16)));
        Assert.Equal(JobRefusal.None, await slots.TryTake(starting, subject, new JobQuota(2, 16)));
        try
        {
            // Short of slots, the grain asks both jobs: the ended one gives its slot up, the starting one keeps it.
            Assert.Equal(HttpStatusCode.Accepted, (await Import(caller, file)).StatusCode);
            Assert.Equal(JobRefusal.Caller, await slots.TryTake(Guid.NewGuid(), subject, new JobQuota(1, 16)));
        }
        finally
        {
            await slots.Release(starting);
        }
    }

    [Fact]
    public async Task A_branch_running_its_two_reconciliations_is_refused_a_third()
    {
        var subject = "branch-" + Guid.NewGuid().ToString("N")[..8];
        using var branch = api.Host.ClientFor(api.Host.Token(subject, [Roles.BpjsBranch], ["35.10"]));
        var slots = api.Host.Grains.JobSlotsOf(JobSlots.Reconciliation);
        var held = new[] { Guid.NewGuid(), Guid.NewGuid() };
        foreach (var job in held) await slots.TryTake(job, subject, new JobQuota(2, 8));
        try
        {
            var file = $"nik,kpj,status,registeredOn\n{Worker().Nik},98765432101,registered,2026-01-05\n";
            await RefusedAsync(await Reconcile(branch, file), "too-many-jobs");
            await slots.Release(held[0]);
            Assert.Equal(HttpStatusCode.Accepted, (await Reconcile(branch, file)).StatusCode);
        }
        finally
        {
            foreach (var job in held) await slots.Release(job);
        }
    }

    internal static async Task RefusedAsync(HttpResponseMessage response, string code)
    {
        await response.Problem(429, code);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "a 429 says when to retry");
    }

    private HttpClient Caller(string role, string region) =>
        api.Host.ClientFor(api.Host.Token("watcher-" + Guid.NewGuid().ToString("N")[..8], [role], [region]));

    private static Task<HttpResponseMessage> Import(HttpClient client, string csv) =>
        client.PostAsync("/api/imports", new StringContent(csv, Encoding.UTF8, "text/csv"));

    private static Task<HttpResponseMessage> Reconcile(HttpClient client, string csv) =>
        client.PostAsync("/api/regions/35.10/reconciliations", new StringContent(csv, Encoding.UTF8, "text/csv"));

    private static async Task<ProgressScreen> EventuallyOpenAsync(HttpClient caller)
    {
        for (var attempt = 0; ; attempt++)
        {
            var screen = await ProgressScreen.OpenAsync(caller, "35");
            if (screen.Response.StatusCode == HttpStatusCode.OK) return screen;
            screen.Dispose();
            Assert.True(attempt < 50, "a closed stream never gave its slot back");
            await Task.Delay(100);
        }
    }

    /// <summary>A slot is given back by a one-way message just after the job's end is written: a moment later.</summary>
    private static async Task EventuallyAccepted(Func<Task<HttpResponseMessage>> start)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await start();
            if (response.StatusCode == HttpStatusCode.Accepted) return;
            Assert.True(attempt < 50 && response.StatusCode == HttpStatusCode.TooManyRequests, $"{response.StatusCode}");
            await Task.Delay(100);
        }
    }

    private static async Task Eventually(Func<Task<bool>> done)
    {
        for (var attempt = 0; !await done(); attempt++)
        {
            Assert.True(attempt < 300, "not done within 30 s");
            await Task.Delay(100);
        }
    }
}
