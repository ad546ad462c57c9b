using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Security;
using static Villages.Tests.Infrastructure.Workers;

namespace Villages.Tests.Money;

/// <summary>
/// A village's money with BPJS through a year, on a clock the test moves: dues and their due dates
/// (a holiday among them), payments and their problems, arrears in the figures, the fourth month in
/// arrears ending memberships at midnight, and a BPJS branch reinstating them once paid.
/// </summary>
public sealed class MoneyApiTests : IAsyncLifetime
{
    // 5 January 2026, 10:00 WIB: January is due on the 15th, February on the 18th (Imlek),
    // March on the 16th, April on the 15th, May on the 18th (the 15th is cuti bersama).
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 3, 0, 0, TimeSpan.Zero));
    private ApiHost _host = null!;

    private HttpClient Http => _host.Http;

    public async Task InitializeAsync()
    {
        _host = new ApiHost(MovableClock.WatchedOften, clock: _clock);
        await _host.InitializeAsync();
    }

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Dues_payments_arrears_termination_and_reinstatement_through_a_year()
    {
        var village = TestVillage(30);
        (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/2026", new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();
        var first = await Enrolled(village);
        var second = await Enrolled(village);

        var dues = await Dues(village);
        Assert.Equal(12, dues.GetProperty("months").GetArrayLength());
        var january = dues.GetProperty("months")[0];
        Assert.Equal(("2026-01", "2026-01-15", 33_600L, "due"), (Text(january, "month"), Text(january, "dueDate"), january.GetProperty("amountDue").GetInt64(), Text(january, "status")));
        Assert.Equal("2026-02-18", Text(dues.GetProperty("months")[1], "dueDate"));

        var paid = await Pay(village, new { reference = "SP2D-0001", paidOn = "2026-01-05", months = new[] { "2026-01" }, amount = 33_600 });
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        var answer = await paid.Json();
        Assert.Equal((0L, "paid"), (answer.GetProperty("payment").GetProperty("difference").GetInt64(), Text(answer.GetProperty("dues").GetProperty("months")[0], "status")));
        Assert.Equal(HttpStatusCode.OK, (await Pay(village, new { reference = "SP2D-0001", paidOn = "2026-01-05", months = new[] { "2026-01" }, amount = 33_600 })).StatusCode);
        await Problem(await Pay(village, new { reference = "SP2D-0001", paidOn = "2026-01-05", months = new[] { "2026-01" }, amount = 30_000 }), HttpStatusCode.Conflict, "payment-conflict");
        await Problem(await Pay(village, new { reference = "X-2", paidOn = "2026-01-05", months = new[] { "2027-06" }, amount = 16_800 }), HttpStatusCode.BadRequest, "invalid-payment");
        await Problem(await Pay(village, new { reference = "X-3", paidOn = "2026-01-05", months = new[] { "2026-02" }, amount = -1 }), HttpStatusCode.BadRequest, "invalid-payment");
        Assert.Single((await Dues(village)).GetProperty("payments").EnumerateArray());

        // The day after February's due date (18th, moved by Imlek): in arrears, in the figures too.
        _clock.SetWib(2026, 2, 18);
        Assert.Equal("due", Text((await Dues(village)).GetProperty("months")[1], "status"));
        _clock.SetWib(2026, 2, 19);
        Assert.Equal("late", Text((await Dues(village)).GetProperty("months")[1], "status"));
        var late = await Figures(village[..8], static f => f.GetProperty("workersInArrears").GetInt32() == 2);
        Assert.Equal((33_600L, 1), (late.GetProperty("amountInArrears").GetInt64(), late.GetProperty("villagesInArrears").GetInt32()));
        await Figures(village[..5], static f => f.GetProperty("villagesInArrears").GetInt32() == 1);
        var arrears = await (await _host.Anonymous.GetAsync($"/api/progress/{village[..5]}/arrears")).Json();
        Assert.Equal(village, Text(arrears.GetProperty("villages")[0], "code"));

        // Four months late after May's due date: the memberships end at that midnight, with no request.
        _clock.SetWib(2026, 5, 18, 23, 59);
        Assert.Equal("active", Text(await Enrollment(village, first), "status"));
        _clock.SetWib(2026, 5, 19);
        var ended = await Figures("ID", static f => f.GetProperty("terminatedThisYear").GetInt32() == 2);
        Assert.Equal(0, ended.GetProperty("coveredToday").GetInt32());
        Assert.Equal(("terminated", "2026-05-18"), (Text(await Enrollment(village, first), "status"), Text(await Enrollment(village, first), "coverageEnd")));
        var history = await (await Http.GetAsync($"/api/villages/{village}/history")).Json();
        Assert.Contains(history.GetProperty("items").EnumerateArray(), h => Text(h, "kind") == "terminated" && Text(h, "at").StartsWith("2026-05-18T17:00:00", StringComparison.Ordinal));
        Assert.Contains(history.GetProperty("items").EnumerateArray(), h => Text(h, "kind") == "payment-recorded");

        // A terminated worker is not renewed: they must register again, and the answer says so for them.
        (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/2027", new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();
        var renewal = await (await Http.PostAsJsonAsync($"/api/villages/{village}/programs/2027/renewals", new { enrollmentIds = new[] { first.Id } })).Json();
        var refusedRenewal = renewal.GetProperty("results")[0];
        Assert.Equal(("refused", "invalid-enrollment"), (Text(refusedRenewal, "result"), Text(refusedRenewal.GetProperty("problem"), "code")));
        Assert.Contains("terminated for arrears", Text(refusedRenewal.GetProperty("problem"), "detail"));

        // The second worker registers again elsewhere; the branch then restores the first once paid.
        var elsewhere = TestVillage(31);
        (await Http.PutAsJsonAsync($"/api/villages/{elsewhere}/programs/2026", new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await _host.Enroll(elsewhere, ApiHost.Body(second.Worker))).StatusCode);
        using var branch = _host.ClientFor(_host.Token("bpjs-banyuwangi", [Roles.BpjsBranch], [village[..5]]));
        var reinstate = new { enrollmentIds = new[] { first.Id, second.Id }, reason = "Dana desa tahap 1 cair 18 Mei" };
        var refused = await (await branch.PostAsJsonAsync($"/api/villages/{village}/programs/2026/reinstatements", reinstate)).Json();
        Assert.Equal(0, refused.GetProperty("reinstated").GetInt32());
        Assert.Equal("still-in-arrears", Text(refused.GetProperty("results")[0], "result"));
        (await Pay(village, new { reference = "SP2D-0002", paidOn = "2026-05-19", months = new[] { "2026-02", "2026-03", "2026-04", "2026-05" }, amount = 4 * 33_600 }))
            .EnsureSuccessStatusCode();
        var restored = await (await branch.PostAsJsonAsync($"/api/villages/{village}/programs/2026/reinstatements", reinstate)).Json();
        Assert.Equal(("reinstated", "held-elsewhere"), (Text(restored.GetProperty("results")[0], "result"), Text(restored.GetProperty("results")[1], "result")));
        Assert.Equal(("active", "2026-12-31"), (Text(await Enrollment(village, first), "status"), Text(await Enrollment(village, first), "coverageEnd")));
        Assert.Equal(1, (await Figures("ID", static f => f.GetProperty("coveredToday").GetInt32() == 2)).GetProperty("terminatedThisYear").GetInt32());

        // Only the branch reinstates; an operator may not.
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.PostAsJsonAsync($"/api/villages/{village}/programs/2026/reinstatements", reinstate)).StatusCode);
    }

    [Fact]
    public async Task The_regency_pays_the_regional_budgets_programme_and_the_village_its_own()
    {
        var village = TestVillage(32);
        (await Http.PutAsJsonAsync($"/api/villages/{village}/programs/2026", new object[]
        {
            new { budgetAllocated = 20_160_000, fundingSource = "SD" }, new { budgetAllocated = 20_160_000, fundingSource = "SA" },
        })).EnsureSuccessStatusCode();
        (await _host.Enroll(village, new { nik = NewNik(), name = "Sri", occupation = "petani", monthlyIncome = 1_000_000, fundingSource = "SA" })).EnsureSuccessStatusCode();
        using var regency = _host.ClientFor(_host.Token("banyuwangi", [Roles.RegencyOfficer], [village[..5]]));
        var payment = new { reference = "APBD-77", paidOn = "2026-01-05", months = new[] { "2026-01" }, amount = 16_800, fundingSource = "SA" };

        await Problem(await Http.PostAsJsonAsync($"/api/villages/{village}/programs/2026/payments", payment), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.Created, (await regency.PostAsJsonAsync($"/api/villages/{village}/programs/2026/payments", payment)).StatusCode);
        await Problem(await Http.GetAsync($"/api/villages/{village}/programs/2026/dues"), HttpStatusCode.BadRequest, "program-not-chosen");
        Assert.Equal("paid", Text((await (await regency.GetAsync($"/api/villages/{village}/programs/2026/dues?fundingSource=SA")).Json()).GetProperty("months")[0], "status"));
    }

    private async Task<(EnrollmentRequest Worker, string Id)> Enrolled(string village)
    {
        var worker = Workers.Worker();
        var response = await _host.Enroll(village, ApiHost.Body(worker));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (worker, Text(await response.Json(), "enrollmentId"));
    }

    private Task<HttpResponseMessage> Pay(string village, object body) => Http.PostAsJsonAsync($"/api/villages/{village}/programs/2026/payments", body);

    private async Task<JsonElement> Dues(string village) => await (await Http.GetAsync($"/api/villages/{village}/programs/2026/dues")).Json();

    private async Task<JsonElement> Enrollment(string village, (EnrollmentRequest Worker, string Id) worker) =>
        await (await Http.GetAsync($"/api/villages/{village}/enrollments/{worker.Id}")).Json();

    private static async Task Problem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, Text(await response.Json(), "code"));
    }

    private Task<JsonElement> Figures(string region, Func<JsonElement, bool> done) => _host.FiguresAsync(_clock, region, done);

    private static string Text(JsonElement e, string name) => e.GetProperty(name).ToString();
}
