using Microsoft.Playwright;
using Villages.WebApi.Security;
using static Microsoft.Playwright.Assertions;

namespace Villages.Tests.Browser;

/// <summary>Orleans' dashboard, as the national admin's browser sees it: it works under its Content-Security-Policy.</summary>
[Collection(BrowserCollection.Name), Trait("Category", "Browser")]
public sealed class AdminDashboardPageTests(BrowserFixture browser)
{
    [ChromiumFact]
    public async Task The_cluster_dashboard_runs_under_its_content_security_policy()
    {
        var page = await browser.NewPageAsync();
        var refused = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) lock (refused) refused.Add(message.Text);
        };
        page.PageError += (_, error) => { lock (refused) refused.Add(error); };
        // The monitoring page hands the admin's token to the dashboard as a cookie for its path only.
        await page.Context.AddCookiesAsync(
        [
            new Cookie
            {
                Name = AdminDashboard.Cookie, Value = browser.Host.Token("admin", [Roles.NationalAdmin]),
                Domain = browser.Host.BaseAddress.Host, Path = AdminDashboard.Path, HttpOnly = true, SameSite = SameSiteAttribute.Strict,
            },
        ]);

        var response = await page.GotoAsync(AdminDashboard.Path + "/");

        Assert.Equal(AdminDashboard.ContentSecurityPolicy, await response!.HeaderValueAsync("content-security-policy"));
        // Its script ran (the menu and the silos' figures are drawn by it) and fetched the cluster's figures.
        await Expect(page.Locator("#menu a").First).ToBeVisibleAsync();
        await Expect(page.Locator("#content")).Not.ToContainTextAsync("Loading...");
        await page.WaitForTimeoutAsync(2000); // a refresh or two of its figures
        await BrowserFixture.ShootAsync(page, "orleans-dashboard");
        lock (refused) Assert.Empty(refused);
    }
}
