using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Villages.Tests.Browser;

/// <summary>The monitoring screens at / and /r/{region}: figures, live updates, drilling down.</summary>
[Collection(BrowserCollection.Name), Trait("Category", "Browser")]
public sealed class MonitorPageTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly CultureInfo Indonesian = CultureInfo.GetCultureInfo("id-ID");

    private static ILocator Figure(IPage page, string name) => page.Locator($"[data-figure='{name}']");

    [ChromiumFact]
    public async Task The_national_page_shows_the_figures_of_the_api()
    {
        var village = await browser.OpenVillageAsync();
        await browser.EnrollAsync(village, 3);

        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        var totals = await browser.PageAgreesWithNationAsync(page,
            ["villagesWithProgram", "villagesAtTarget", "coveredToday", "budgetAllocated", "budgetCommitted"],
            until: t => t.GetProperty("coveredToday").GetInt32() >= 3);
        await Expect(Figure(page, "coveredToday").Locator(".figure-value")).ToHaveTextAsync(totals.GetProperty("coveredToday").GetInt32().ToString("N0", Indonesian));
        await Expect(Figure(page, "budgetAllocated").Locator(".figure-value")).ToHaveTextAsync("Rp" + totals.GetProperty("budgetAllocated").GetInt64().ToString("N0", Indonesian));
        await Expect(Figure(page, "budgetCommitted").Locator(".figure-value")).ToHaveTextAsync("Rp" + totals.GetProperty("budgetCommitted").GetInt64().ToString("N0", Indonesian));
        // The charts are drawn (canvases) and the provinces listed, each a link down.
        await Expect(page.Locator("#children-chart canvas")).ToBeVisibleAsync();
        await Expect(page.Locator("#daily-chart canvas")).ToBeVisibleAsync();
        await Expect(page.Locator("#occupations-chart canvas")).ToBeVisibleAsync();
        await Expect(page.Locator("#children-table a")).ToHaveCountAsync(38);
        await Expect(page.Locator("#lagging-table td").First).ToBeVisibleAsync();
        output.WriteLine(await BrowserFixture.ShootAsync(page, "national"));
    }

    [ChromiumFact]
    public async Task An_enrolment_made_through_the_api_appears_on_the_open_page_without_a_reload()
    {
        var village = await browser.OpenVillageAsync();
        await browser.EnrollAsync(village, 1);

        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        var before = (await browser.PageAgreesWithNationAsync(page, ["coveredToday"], until: t => t.GetProperty("coveredToday").GetInt32() >= 1))
            .GetProperty("coveredToday").GetInt32();
        await page.EvaluateAsync("() => { window.stillTheSamePage = true; }");

        await browser.EnrollAsync(village, 2);
        var after = (await browser.PageAgreesWithNationAsync(page, ["coveredToday"], until: t => t.GetProperty("coveredToday").GetInt32() >= before + 2))
            .GetProperty("coveredToday").GetInt32();
        await Expect(Figure(page, "coveredToday").Locator(".figure-value")).ToHaveTextAsync(after.ToString("N0", Indonesian));
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "The page was reloaded.");
        output.WriteLine(await BrowserFixture.ShootAsync(page, "national-live"));
    }

    [ChromiumFact]
    public async Task Drilling_down_from_the_nation_reaches_a_village_and_the_address_bar_follows()
    {
        const string village = "35.10.01.2001";
        var district = (await browser.ProgressAsync("35.10")).GetProperty("children").EnumerateArray().Single(c => c.GetProperty("code").GetString() == "35.10.01");
        var villageName = (await browser.ProgressAsync("35.10.01")).GetProperty("children").EnumerateArray()
            .Single(c => c.GetProperty("code").GetString() == village).GetProperty("name").GetString()!;

        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await Step(page, "Jawa Timur", "/r/35", "drill-1-province");
        await Step(page, "Kabupaten Banyuwangi", "/r/35.10", "drill-2-regency");
        await Step(page, district.GetProperty("name").GetString()!, "/r/35.10.01", "drill-3-district");
        await Step(page, villageName, $"/v/{village}", "drill-4-village");
        await Expect(page.Locator("#village-name")).ToHaveTextAsync(villageName);
        await Expect(page.Locator("#village-figures [data-figure='budgetAllocated']")).ToBeVisibleAsync();

        // Back goes up a level; a deep link opens the same village page straight away.
        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/r/35\.10\.01$"));
        await Expect(page.Locator("#region-name")).ToHaveTextAsync(district.GetProperty("name").GetString()!);
        var linked = await browser.NewPageAsync();
        await linked.GotoAsync($"/v/{village}");
        await Expect(linked.Locator("#village-name")).ToHaveTextAsync(villageName);
        await Expect(linked.Locator(".crumbs a")).ToHaveTextAsync(["Indonesia", "Jawa Timur", "Kabupaten Banyuwangi", district.GetProperty("name").GetString()!]);
        output.WriteLine(await BrowserFixture.ShootAsync(linked, "deep-link-village"));
    }

    private async Task Step(IPage page, string name, string path, string screenshot)
    {
        await page.Locator("#children-table").GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(path) + "$"));
        if (path.StartsWith("/r/", StringComparison.Ordinal)) await Expect(page.Locator("#children-table a").First).ToBeVisibleAsync();
        output.WriteLine(await BrowserFixture.ShootAsync(page, screenshot));
    }

    [ChromiumFact]
    public async Task The_language_toggle_switches_to_english_and_is_remembered()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(Figure(page, "villagesWithProgram").Locator("h3")).ToHaveTextAsync("Desa dengan program");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "id");

        await page.Locator("#language").ClickAsync();
        await Expect(Figure(page, "villagesWithProgram").Locator("h3")).ToHaveTextAsync("Villages with a programme");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("#sign-in")).ToHaveTextAsync("Sign in");
        await page.ReloadAsync();
        await Expect(Figure(page, "coveredToday").Locator("h3")).ToHaveTextAsync("Workers covered today");
        output.WriteLine(await BrowserFixture.ShootAsync(page, "national-english"));
    }
}
