using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Villages.Domain;
using Villages.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Villages.Tests.Browser;

/// <summary>
/// Coverage in time on the page: a region's figures for today (covered, effective, ending within 30
/// days), its village apparatus apart and its budget years; a village's programmes per year and
/// funder, and the "Berakhir dalam 30 hari" list an operator renews from. The service runs on the
/// real clock: "this year" and "next year" are today's, in WIB.
/// </summary>
[Collection(BrowserCollection.Name), Trait("Category", "Browser")]
public sealed class CoverageInTimePageTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Regency = "35.10";
    private static readonly CultureInfo Indonesian = CultureInfo.GetCultureInfo("id-ID");

    private static DateOnly Today => CoverageCalendar.LocalDate(DateTimeOffset.UtcNow);

    [ChromiumFact]
    public async Task A_region_shows_today_s_coverage_its_apparatus_apart_and_switches_budget_years()
    {
        int thisYear = Today.Year, nextYear = thisYear + 1;
        var village = await browser.OpenVillageAsync();
        await browser.EnrollAsync(village, 2);
        await Put(village, thisYear, new { cohort = "apparatus", budgetAllocated = 5_000_000, targetWorkers = 8 });
        var secretary = await browser.Host.Enroll(village, new
        {
            nik = Workers.NewNik(), name = "Pak Sekdes", occupation = "sekretaris-desa", monthlyIncome = 2_000_000, cohort = "apparatus",
        });
        Assert.Equal(HttpStatusCode.Created, secretary.StatusCode);
        await Put(village, nextYear, new { budgetAllocated = 10_080_000, targetWorkers = 50 });

        var page = await browser.NewPageAsync();
        await page.GotoAsync($"/r/{Regency}");
        var totals = await Agrees(page, "#figures", t => t, ["coveredToday", "effectiveCoverage", "endingWithin30Days", "villagesWithProgram"],
            until: t => t.GetProperty("coveredToday").GetInt32() >= 2 && t.GetProperty("years").TryGetProperty($"{nextYear}", out _)
                && t.GetProperty("apparatus").GetProperty("coveredToday").GetInt32() >= 1);
        // In Bahasa Indonesia, numbers written the Indonesian way.
        await Expect(Figure(page, "#figures", "coveredToday").Locator("h3")).ToHaveTextAsync("Pekerja terlindungi hari ini");
        await Expect(Figure(page, "#figures", "coveredToday").Locator(".figure-value")).ToHaveTextAsync(totals.GetProperty("coveredToday").GetInt32().ToString("N0", Indonesian));
        await Expect(Figure(page, "#figures", "effectiveCoverage").Locator("h3")).ToHaveTextAsync("Cakupan efektif");
        await Expect(Figure(page, "#figures", "effectiveCoverage").Locator(".figure-value"))
            .ToHaveTextAsync(totals.GetProperty("effectiveCoverage").GetDecimal().ToString("#,##0.##", Indonesian));
        await Expect(Figure(page, "#figures", "endingWithin30Days").Locator("h3")).ToHaveTextAsync("Berakhir dalam 30 hari");
        await Expect(Figure(page, "#figures", "endingWithin30Days").Locator(".figure-sub")).ToContainTextAsync("belum diperpanjang");
        await Expect(page.Locator("#children-table th").Filter(new() { HasText = "Berakhir ≤30 hari" })).ToBeVisibleAsync();

        // The village apparatus apart: their own figures, not in the vulnerable workers' ones.
        await Expect(page.Locator("#apparatus h2")).ToHaveTextAsync("Perangkat desa");
        await Agrees(page, "#apparatus", t => t.GetProperty("apparatus"), ["apparatus-coveredToday", "apparatus-villagesWithProgram"]);

        // This year first; the selector switches every per-year figure and the children's table.
        await Expect(page.Locator("#year-select")).ToHaveValueAsync($"{thisYear}");
        await Agrees(page, "#year-figures", t => t.GetProperty("years").GetProperty($"{thisYear}"), ["year-villagesWithProgram", "year-workersEnrolled", "year-budgetAllocated"]);
        output.WriteLine(await BrowserFixture.ShootAsync(page, "region-coverage-today"));

        await page.Locator("#year-select").SelectOptionAsync($"{nextYear}");
        var next = await Agrees(page, "#year-figures", t => t.GetProperty("years").GetProperty($"{nextYear}"),
            ["year-villagesWithProgram", "year-villagesAtTarget", "year-workersEnrolled", "year-budgetAllocated", "year-budgetCommitted"]);
        Assert.True(next.GetProperty("budgetAllocated").GetInt64() >= 10_080_000);
        await Expect(Figure(page, "#year-figures", "year-budgetAllocated").Locator(".figure-value"))
            .ToHaveTextAsync("Rp" + next.GetProperty("budgetAllocated").GetInt64().ToString("N0", Indonesian));
        await Expect(page.Locator("#year-children-title")).ToContainTextAsync($"{nextYear}");
        var district = (await browser.ProgressAsync(Regency)).GetProperty("children").EnumerateArray().Single(c => c.GetProperty("code").GetString() == village[..8]);
        var row = page.Locator("#year-children-table tr").Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = district.GetProperty("name").GetString()!, Exact = true }) });
        await Expect(row).ToContainTextAsync("Rp" + district.GetProperty("years").GetProperty($"{nextYear}").GetProperty("budgetAllocated").GetInt64().ToString("N0", Indonesian));
        // The figures of today do not move with the selector.
        await Agrees(page, "#figures", t => t, ["coveredToday", "villagesWithProgram"]);
        output.WriteLine(await BrowserFixture.ShootAsync(page, "region-coverage-next-year"));
    }

    [ChromiumFact]
    public async Task An_operator_renews_a_worker_ending_within_30_days_into_next_year_and_the_worker_leaves_the_list()
    {
        var nextYear = Today.Year + 1;
        var village = await browser.OpenVillageAsync(coverageMonths: 1); // the block ends at the end of this month
        await Put(village, nextYear, new { budgetAllocated = 20_160_000 });
        var enrolled = await (await browser.Host.Enroll(village, ApiHost.Body(Workers.Worker(name: "Wayan Sudarsa")))).Content.ReadFromJsonAsync<JsonElement>();
        var end = DateOnly.ParseExact(enrolled.GetProperty("coverageEnd").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(new DateOnly(Today.Year, Today.Month, 1).AddMonths(1).AddDays(-1), end);
        // Within 30 days, today included: every day but the 1st of a 31-day month.
        var endingSoon = end <= Today.AddDays(29);

        var page = await browser.NewPageAsync();
        await page.GotoAsync($"/v/{village}");
        await BrowserFixture.SignInAsOperatorAsync(page, village);
        await Expect(page.Locator("#enrollments-table tbody")).ToContainTextAsync("Aktif");
        await Expect(page.Locator("#renewal-year")).ToHaveValueAsync($"{nextYear}"); // this year's block ends: next year's budget by default
        var worker = page.Locator("#ending-table tbody tr").Filter(new() { HasText = "Wayan Sudarsa" });
        if (endingSoon)
        {
            await Expect(worker).ToHaveCountAsync(1);
            await Expect(worker).ToContainTextAsync(enrolled.GetProperty("nik").GetString()!);
            await Expect(page.Locator("#village-figures [data-figure='endingWithin30Days']")).ToHaveAttributeAsync("data-value", "1");
            output.WriteLine(await BrowserFixture.ShootAsync(page, "village-ending-soon"));
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "Pilih Wayan Sudarsa" }).CheckAsync();
            await Expect(page.Locator("#renew-chosen")).ToHaveTextAsync("Perpanjang yang dipilih (1)");
            await page.Locator("#renew-chosen").ClickAsync();
        }
        else
        {
            output.WriteLine($"coverage ends {end:yyyy-MM-dd}, 30 days or more from {Today:yyyy-MM-dd}: not listed; renewing every worker of the year instead");
            await Expect(page.Locator("#ending-list")).ToContainTextAsync("Tidak ada pekerja yang berakhir dalam 30 hari.");
            page.Dialog += (_, dialog) => dialog.AcceptAsync();
            await page.Locator("#renew-all").ClickAsync();
        }

        var result = page.Locator("#renewal-results-table tbody tr");
        await Expect(result).ToHaveCountAsync(1);
        await Expect(result.Locator(".result")).ToHaveTextAsync("Diperpanjang");
        await Expect(result).ToContainTextAsync($"{nextYear} SD");
        await Expect(page.Locator("#renewal-outcome .notice")).ToContainTextAsync($"1 pekerja ke program {nextYear}: 1 diperpanjang");
        // Renewed: no longer ending, the list and the figure say so; the audit entry reads in Bahasa.
        await Expect(worker).ToHaveCountAsync(0);
        await Expect(page.Locator("#ending-list")).ToContainTextAsync("Tidak ada pekerja yang berakhir dalam 30 hari.");
        await Expect(page.Locator("#village-figures [data-figure='endingWithin30Days']")).ToHaveAttributeAsync("data-value", "0");
        await Expect(page.Locator("#history-table tbody")).ToContainTextAsync("Diperpanjang");
        await Expect(page.Locator("#history-table tbody")).ToContainTextAsync($"ke program {nextYear} SD, Rp16.800/bulan x 12 mulai");
        await Expect(page.Locator("#other-programs-table tbody tr[data-year='" + nextYear + "'] td").Nth(4)).ToHaveTextAsync("1"); // enrolled into next year
        output.WriteLine(await BrowserFixture.ShootAsync(page, "village-renewed"));
    }

    [ChromiumFact]
    public async Task An_operator_adds_a_second_funder_and_enrols_a_worker_into_the_programme_chosen()
    {
        var thisYear = Today.Year;
        var village = await browser.OpenVillageAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"/v/{village}");
        await BrowserFixture.SignInAsOperatorAsync(page, village);
        await Expect(page.Locator("#enroll-program")).ToBeHiddenAsync(); // one programme: nothing to choose

        var form = page.Locator("#program-form");
        await form.Locator("select[name=fundingSource]").SelectOptionAsync("SA");
        await Expect(page.Locator("#program-form-says")).ToHaveTextAsync($"Membuka program baru: {thisYear} · Pekerja rentan · SA · APBD.");
        await form.Locator("input[name=targetWorkers]").FillAsync("40");
        await form.Locator("input[name=budgetAllocated]").FillAsync("8064000");
        await form.Locator("button[type=submit]").ClickAsync();
        await Expect(form.Locator(".notice")).ToHaveTextAsync($"Program {thisYear} · SA · APBD dibuka.");
        await Expect(page.Locator("#programs-table tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#village-figures [data-figure='budgetAllocated'] .figure-value")).ToHaveTextAsync("Rp28.224.000");

        await page.Locator("#enroll-program").SelectOptionAsync($"{thisYear}|SA|vulnerable");
        var enrol = page.Locator("#enroll-form");
        await enrol.Locator("input[name=nik]").FillAsync(Workers.NewNik());
        await enrol.Locator("input[name=name]").FillAsync("Siti Aminah");
        await enrol.Locator("button[type=submit]").ClickAsync();
        await Expect(enrol.Locator(".notice")).ToContainTextAsync("Siti Aminah");
        await Expect(page.Locator("#programs-table tbody tr[data-funding='SA'] td").Nth(3)).ToHaveTextAsync("1");
        await Expect(page.Locator("#enrollments-table tbody")).ToContainTextAsync($"{thisYear} · SA");

        // Choosing the apparatus' programme asks for a position and the siltap.
        await Put(village, thisYear, new { cohort = "apparatus", budgetAllocated = 5_000_000, targetWorkers = 8 });
        await page.ReloadAsync();
        await page.Locator("#enroll-program").SelectOptionAsync($"{thisYear}|SD|apparatus");
        await Expect(enrol.Locator("select[name=occupation] option").First).ToHaveTextAsync("Kepala desa");
        await Expect(enrol).ToContainTextAsync("Siltap per bulan (Rp)");
        output.WriteLine(await BrowserFixture.ShootAsync(page, "village-two-funders"));

        // Every new word has its English.
        await page.Locator("#language").ClickAsync();
        await Expect(page.Locator("#programs-panel h2")).ToHaveTextAsync($"Programmes of {thisYear}");
        await Expect(page.Locator("#programs-table tbody tr[data-cohort='apparatus'] td").First).ToHaveTextAsync("Village apparatus");
        await Expect(page.Locator("#ending-soon")).ToContainTextAsync("No worker ends within 30 days.");
        await Expect(page.Locator("#enrollments-table thead")).ToContainTextAsync("Year · funder");
        output.WriteLine(await BrowserFixture.ShootAsync(page, "village-two-funders-english"));
    }

    private static ILocator Figure(IPage page, string within, string name) => page.Locator($"{within} [data-figure='{name}']");

    private async Task Put(string village, int year, object body)
    {
        var response = await browser.Host.Http.PutAsJsonAsync($"/api/villages/{village}/programs/{year}", body);
        Assert.True(response.IsSuccessStatusCode, $"PUT programme {year}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private Task<JsonElement> Agrees(IPage page, string within, Func<JsonElement, JsonElement> source, string[] figures, Func<JsonElement, bool>? until = null) =>
        browser.PageAgreesAsync(page, Regency, within, source, figures, until);
}
