using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Villages.Tests.Browser;

/// <summary>
/// The money with BPJS on the page, on a service whose clock the test moves (each test its own, from
/// 5 January 2026, 10:00 WIB; the browser's clock set to the same moment): a programme's months and
/// their statuses in Bahasa Indonesia, the arrears once a due date passed, payments through the form
/// (and a refused one), a regency's villages in arrears and its money figures, live, and a BPJS
/// branch reinstating terminated workers. January is due on the 15th, February on the 18th (Imlek).
/// </summary>
[Collection(BrowserCollection.Name), Trait("Category", "Browser")]
public sealed class MoneyPageTests(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Regency = "35.10";
    private const long Monthly = 2 * 16_800; // two workers at the lowest income, JKK+JKM

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 3, 0, 0, TimeSpan.Zero));
    private ApiHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = new ApiHost(MovableClock.WatchedOften, clock: _clock);
        await _host.InitializeAsync();
    }

    public Task DisposeAsync() => _host.DisposeAsync();

    [ChromiumFact]
    public async Task The_village_page_shows_the_months_in_bahasa_the_arrears_and_a_payment_through_the_form_turns_a_month_lunas()
    {
        var village = await VillageWithTwoWorkersAsync(1);
        _clock.SetWib(2026, 2, 10, 10); // January's due date (the 15th) passed, February's (the 18th) not yet
        var page = await PageAsync($"/v/{village}");
        await BrowserFixture.SignInAsOperatorAsync(page, village);

        await Expect(Month(page, "2026-01").Locator(".month-status")).ToHaveTextAsync("Terlambat");
        await Expect(Month(page, "2026-02").Locator(".month-status")).ToHaveTextAsync("Jatuh tempo");
        await Expect(Month(page, "2026-03").Locator(".month-status")).ToHaveTextAsync("Akan datang");
        await Expect(Month(page, "2026-01")).ToContainTextAsync("Januari 2026");
        await Expect(Month(page, "2026-02")).ToContainTextAsync("18 Feb 2026"); // the 15th moved by Imlek (17 February) and the weekend
        await Expect(Month(page, "2026-01")).ToContainTextAsync(Rupiah(Monthly));
        // The arrears: in the programme's figures and the village's own (public) ones.
        await Expect(Figure(page, "#dues-figures", "dues-amountInArrears")).ToHaveAttributeAsync("data-value", $"{Monthly}");
        await Expect(Figure(page, "#dues-figures", "dues-amountInArrears").Locator(".figure-value")).ToHaveTextAsync(Rupiah(Monthly));
        await Expect(Figure(page, "#dues-figures", "dues-amountInArrears").Locator(".figure-sub")).ToHaveTextAsync("1 bulan lewat jatuh tempo belum lunas");
        await Expect(Figure(page, "#village-figures", "amountInArrears")).ToHaveAttributeAsync("data-value", $"{Monthly}");
        await Expect(page.Locator("#dues-rule")).ToContainTextAsync("Lebih dari 3 bulan menunggak");
        output.WriteLine(await BrowserFixture.ShootAsync(page, "village-dues-late"));

        // Ticking January fills the amount with what it still owes; the payment turns it "lunas".
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Bayar Januari 2026" }).CheckAsync();
        await Expect(page.Locator("#pay-amount")).ToHaveValueAsync($"{Monthly}");
        await Expect(page.Locator("#pay-difference")).ToHaveTextAsync($"Masih terutang untuk bulan yang dicentang: {Rupiah(Monthly)} · Jumlah pas");
        await Expect(page.Locator("#pay-paid-on")).ToHaveValueAsync("2026-02-10"); // today, by default
        await page.Locator("#pay-reference").FillAsync("SP2D-0001");
        await page.Locator("#payment-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#payment-form .notice")).ToHaveTextAsync($"Pembayaran SP2D-0001 tercatat: {Rupiah(Monthly)} untuk Januari 2026.");
        await Expect(Month(page, "2026-01").Locator(".month-status")).ToHaveTextAsync("Lunas");
        await Expect(Figure(page, "#dues-figures", "dues-amountInArrears")).ToHaveAttributeAsync("data-value", "0");
        await Expect(Figure(page, "#village-figures", "amountInArrears")).ToHaveAttributeAsync("data-value", "0");
        var dues = await DuesAsync(village);
        Assert.Equal(("paid", Monthly), (Text(dues.GetProperty("months")[0], "status"), dues.GetProperty("months")[0].GetProperty("amountPaid").GetInt64()));
        Assert.Equal(("SP2D-0001", "2026-02-10"), (Text(dues.GetProperty("payments")[0], "reference"), Text(dues.GetProperty("payments")[0], "paidOn")));

        // Paying February short: said before sending, recorded as such ("sebagian"), never absorbed.
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Bayar Februari 2026" }).CheckAsync();
        await page.Locator("#pay-amount").FillAsync("30000");
        await Expect(page.Locator("#pay-difference")).ToContainTextAsync($"Kurang bayar {Rupiah(Monthly - 30_000)}");
        await page.Locator("#pay-reference").FillAsync("SP2D-0002");
        await page.Locator("#payment-form button[type=submit]").ClickAsync();
        await Expect(Month(page, "2026-02").Locator(".month-status")).ToHaveTextAsync("Sebagian");
        await Expect(page.Locator("#payments-table tr[data-reference='SP2D-0002']")).ToContainTextAsync($"kurang {Rupiah(Monthly - 30_000)}");
        await Expect(page.Locator("#history-table tbody")).ToContainTextAsync("Pembayaran dicatat");
        Assert.Equal("partial", Text((await DuesAsync(village)).GetProperty("months")[1], "status"));
        output.WriteLine(await BrowserFixture.ShootAsync(page, "village-dues-paid"));

        // Every new word has its English.
        await page.Locator("#language").ClickAsync();
        await Expect(Month(page, "2026-01").Locator(".month-status")).ToHaveTextAsync("Paid");
        await Expect(Month(page, "2026-02").Locator(".month-status")).ToHaveTextAsync("Partly paid");
        await Expect(Month(page, "2026-03").Locator(".month-status")).ToHaveTextAsync("Upcoming");
        await Expect(page.Locator("#payment-form h3")).ToHaveTextAsync("Record a payment");
    }

    [ChromiumFact]
    public async Task A_refused_payment_shows_its_problem_in_bahasa_and_changes_nothing()
    {
        var village = await VillageWithTwoWorkersAsync(2);
        _clock.SetWib(2026, 1, 20, 10);
        var page = await PageAsync($"/v/{village}");
        await BrowserFixture.SignInAsOperatorAsync(page, village);

        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Bayar Januari 2026" }).CheckAsync();
        await page.Locator("#pay-reference").FillAsync("SP2D-77");
        await page.Locator("#payment-form button[type=submit]").ClickAsync();
        await Expect(Month(page, "2026-01").Locator(".month-status")).ToHaveTextAsync("Lunas");

        // The same reference for another month: a conflict, said in Bahasa Indonesia from its code.
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Bayar Februari 2026" }).CheckAsync();
        await page.Locator("#pay-reference").FillAsync("SP2D-77");
        await page.Locator("#payment-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#payment-form .problem")).ToHaveAttributeAsync("data-code", "payment-conflict");
        await Expect(page.Locator("#payment-form .problem-title")).ToHaveTextAsync("Nomor referensi sudah tercatat dengan rincian lain");
        await Expect(page.Locator("#payment-form .problem-detail")).ToContainTextAsync("Satu referensi dicatat sekali");
        await Expect(Month(page, "2026-02").Locator(".month-status")).ToHaveTextAsync("Akan datang");
        output.WriteLine(await BrowserFixture.ShootAsync(page, "village-payment-refused"));
        var dues = await DuesAsync(village);
        Assert.Single(dues.GetProperty("payments").EnumerateArray());
        Assert.Equal(0, dues.GetProperty("months")[1].GetProperty("amountPaid").GetInt64());
    }

    [ChromiumFact]
    public async Task The_regency_page_lists_a_village_in_arrears_and_its_money_figures_move_live_when_it_pays()
    {
        var village = await VillageWithTwoWorkersAsync(3);
        _clock.SetWib(2026, 2, 19, 10); // January and February late
        var name = Text(await (await _host.Anonymous.GetAsync($"/api/villages/{village}")).Json(), "name");
        var page = await PageAsync($"/r/{Regency}");

        var moneyFigures = new[] { "amountInArrears", "workersInArrears", "villagesInArrears", "amountDueThisMonth", "amountPaidThisMonth", "terminatedThisYear", "confirmedByBpjs" };
        var totals = await browser.PageAgreesAsync(page, Regency, "#money-figures", static t => t, moneyFigures,
            until: static t => t.GetProperty("villagesInArrears").GetInt32() == 1, host: _host);
        Assert.Equal(2 * Monthly, totals.GetProperty("amountInArrears").GetInt64());
        await Expect(Figure(page, "#money-figures", "amountInArrears").Locator("h3")).ToHaveTextAsync("Tunggakan");
        await Expect(Figure(page, "#money-figures", "amountInArrears").Locator(".figure-value")).ToHaveTextAsync(Rupiah(2 * Monthly));
        await Expect(Figure(page, "#money-figures", "amountInArrears").Locator(".figure-sub")).ToHaveTextAsync("2 pekerja di 1 desa menunggak");
        var listed = page.Locator("#arrears-table tbody tr");
        await Expect(listed).ToHaveCountAsync(1);
        await Expect(listed).ToContainTextAsync(name);
        await Expect(listed).ToContainTextAsync(Rupiah(2 * Monthly));
        output.WriteLine(await BrowserFixture.ShootAsync(page, "regency-arrears"));

        // Paid: the figures follow the live stream, the list empties, without a reload.
        var paid = await _host.Http.PostAsJsonAsync($"/api/villages/{village}/programs/2026/payments",
            new { reference = "SP2D-1", paidOn = "2026-02-19", months = new[] { "2026-01", "2026-02" }, amount = 2 * Monthly });
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        await Expect(Figure(page, "#money-figures", "amountInArrears")).ToHaveAttributeAsync("data-value", "0");
        await Expect(Figure(page, "#money-figures", "villagesInArrears")).ToHaveAttributeAsync("data-value", "0");
        await Expect(listed.Filter(new() { HasText = name })).ToHaveCountAsync(0);

        // The village of the list is a way to its page: moved back into arrears by March's due date passing.
        _clock.SetWib(2026, 3, 17, 10);
        await page.SetClockAsync(_clock);
        await Expect(listed.Filter(new() { HasText = name })).ToHaveCountAsync(1);
        await listed.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page).ToHaveURLAsync($"/v/{village}");
        await Expect(Figure(page, "#village-figures", "amountInArrears")).ToHaveAttributeAsync("data-value", $"{Monthly}");
    }

    [ChromiumFact]
    public async Task A_bpjs_branch_reinstates_a_terminated_worker_once_the_late_months_are_paid()
    {
        var village = await VillageWithTwoWorkersAsync(4);
        _clock.SetWib(2026, 4, 16); // nothing paid: 4 months in arrears once April's due date (the 15th) passed, memberships end at that midnight
        await _host.FiguresAsync(_clock, village[..8], static f => f.GetProperty("terminatedThisYear").GetInt32() == 2);
        var page = await PageAsync($"/v/{village}");
        await BrowserFixture.SignInAsync(page, "bpjs-branch", Regency, "Kantor cabang BPJS");

        await Expect(page.Locator("#enrollments-table tbody .status-terminated")).ToHaveCountAsync(2);
        await Expect(page.Locator("#enrollments-table tbody .status-terminated").First).ToHaveTextAsync("Diberhentikan");
        await Expect(page.Locator("#reinstate-table tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#payment-who")).ToBeVisibleAsync(); // a branch reads the months, it does not pay them
        var first = page.Locator("#reinstate-table tbody tr").First;
        var worker = (await first.Locator("td").Nth(1).TextContentAsync())!;

        // Still in arrears: refused, said per worker.
        await first.Locator("input[type=checkbox]").CheckAsync();
        await page.Locator("#reinstate-reason").FillAsync("Dana desa tahap 1 cair 16 April");
        await page.Locator("#reinstate-chosen").ClickAsync();
        await Expect(page.Locator("#reinstate-results-table tbody tr .result")).ToHaveTextAsync("Masih menunggak");
        await Expect(page.Locator("#reinstate-outcome .notice")).ToHaveTextAsync("0 dari 1 pekerja dipulihkan.");

        var late = await _host.Http.PostAsJsonAsync($"/api/villages/{village}/programs/2026/payments",
            new { reference = "SP2D-LATE", paidOn = "2026-04-16", months = new[] { "2026-01", "2026-02", "2026-03", "2026-04" }, amount = 4 * Monthly });
        Assert.True(late.IsSuccessStatusCode, await late.Content.ReadAsStringAsync());
        await page.Locator("#reinstate-table").GetByRole(AriaRole.Checkbox, new() { Name = $"Pilih {worker}" }).CheckAsync();
        await page.Locator("#reinstate-chosen").ClickAsync();
        await Expect(page.Locator("#reinstate-results-table tbody tr .result")).ToHaveTextAsync("Dipulihkan");
        await Expect(page.Locator("#reinstate-results-table tbody tr")).ToContainTextAsync("Terlindungi lagi sampai 31 Des 2026");
        await Expect(page.Locator("#reinstate-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#enrollments-table tbody tr").Filter(new() { HasText = worker }).Locator(".status")).ToHaveTextAsync("Aktif");
        await Expect(page.Locator("#history-table tbody")).ToContainTextAsync("kepesertaan dipulihkan");
        await Expect(page.Locator("#history-table tbody")).ToContainTextAsync("villages (otomatis, menurut aturan)"); // the termination at midnight, by the rules
        output.WriteLine(await BrowserFixture.ShootAsync(page, "village-reinstated"));
    }

    /// <summary>A village of Banyuwangi with the 2026 programme opened on 5 January and two workers at the lowest income.</summary>
    private async Task<string> VillageWithTwoWorkersAsync(int index)
    {
        var village = Workers.TestVillage(index);
        (await _host.Http.PutAsJsonAsync($"/api/villages/{village}/programs/2026", new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();
        foreach (var name in new[] { "Wayan Sudarsa", "Made Ayu" })
        {
            Assert.Equal(HttpStatusCode.Created, (await _host.Enroll(village, ApiHost.Body(Workers.Worker(name: name)))).StatusCode);
        }
        return village;
    }

    /// <summary>A page on this test's service, its browser clock on the service's.</summary>
    private async Task<IPage> PageAsync(string path)
    {
        var page = await browser.NewPageAsync(host: _host);
        await page.SetClockAsync(_clock);
        await page.GotoAsync(path);
        return page;
    }

    private async Task<JsonElement> DuesAsync(string village) => await (await _host.Http.GetAsync($"/api/villages/{village}/programs/2026/dues")).Json();

    private static ILocator Month(IPage page, string month) => page.Locator($"#dues-table tbody tr[data-month='{month}']");

    private static ILocator Figure(IPage page, string within, string name) => page.Locator($"{within} [data-figure='{name}']");

    private static string Rupiah(long amount) => "Rp" + amount.ToString("N0", CultureInfo.GetCultureInfo("id-ID"));

    private static string Text(JsonElement e, string name) => e.GetProperty(name).ToString();
}

internal static class BrowserClock
{
    /// <summary>The page's Date (today's date in forms, "this month") at the service's moment; timers keep running.</summary>
    public static Task SetClockAsync(this IPage page, TimeProvider clock) => page.Clock.SetFixedTimeAsync(clock.GetUtcNow().UtcDateTime);
}
