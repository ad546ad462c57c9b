using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Browser;

/// <summary>
/// The real WebApi on Kestrel (Development: dev tokens on) and Debian's headless Chromium driven by
/// Playwright. Playwright never downloads a browser here: it launches /usr/bin/chromium.
/// Screenshots go to bin/.../screenshots, to be looked at.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Generous, bounded: a shared 2-core machine, a cold cluster, rollups pushing every 250 ms.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private int _nextVillage = 10;
    private const int OpenContexts = 2;
    private readonly Queue<IBrowserContext> _open = new();

    public ApiHost Host { get; } = new();
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        if (!File.Exists(ChromiumPath)) return; // every test skips (ChromiumFact)
        Directory.CreateDirectory(Screenshots);
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>
    /// A fresh browser context (its own storage: no language or token left by another test) and a page in it,
    /// on the fixture's service or on another one a test runs (one on a clock it moves).
    /// </summary>
    public async Task<IPage> NewPageAsync(int width = 1366, ApiHost? host = null)
    {
        // Pages left open keep their live streams, and the service lets one caller hold only
        // Villages:Limits:StreamsPerCaller (10) of them: the eleventh page would never go live. A
        // test opens at most two pages, so all but the two newest belong to finished tests.
        while (_open.Count > OpenContexts) await _open.Dequeue().CloseAsync();
        var context = await _browser!.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 900 }, BaseURL = (host ?? Host).BaseAddress.ToString() });
        _open.Enqueue(context);
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => Console.WriteLine($"page error: {error}");
        return page;
    }

    public static async Task<string> ShootAsync(IPage page, string name)
    {
        var path = Path.Combine(Screenshots, $"{name}.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        Console.WriteLine($"screenshot: {path}");
        return path;
    }

    /// <summary>A village of Banyuwangi no other browser test uses, with this year's programme for 100 workers.</summary>
    public async Task<string> OpenVillageAsync(long budget = 20_160_000, int coverageMonths = 12)
    {
        var code = Workers.TestVillage(Interlocked.Increment(ref _nextVillage));
        var response = await Host.PutProgram(code, new { budgetAllocated = budget, coverageMonths });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return code;
    }

    public async Task EnrollAsync(string village, int workers)
    {
        for (var i = 0; i < workers; i++)
        {
            var response = await Host.Enroll(village, ApiHost.Body(Workers.Worker()));
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        }
    }

    /// <summary>Through the sign-in panel, as a person would: the Development "sign in as" form, as the operator of the village shown.</summary>
    public static async Task SignInAsOperatorAsync(IPage page, string village)
    {
        await page.Locator("#sign-in").ClickAsync();
        await page.Locator("#sign-in-role").SelectOptionAsync("village-operator");
        await Assertions.Expect(page.Locator("#sign-in-region")).ToHaveValueAsync(village);
        await page.Locator("#sign-in-as button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#signed-in")).ToContainTextAsync("Operator desa");
        await Assertions.Expect(page.Locator("#village-name")).ToBeVisibleAsync();
    }

    /// <summary>Through the Development "sign in as" form: a role and the region codes its token names.</summary>
    public static async Task SignInAsync(IPage page, string role, string regions, string roleName)
    {
        await page.Locator("#sign-in").ClickAsync();
        await page.Locator("#sign-in-role").SelectOptionAsync(role);
        await page.Locator("#sign-in-region").FillAsync(regions);
        await page.Locator("#sign-in-as button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#signed-in")).ToContainTextAsync(roleName);
    }

    /// <summary>The figures of a region as the API answers them (ID: the nation), from the fixture's service or another.</summary>
    public async Task<JsonElement> ProgressAsync(string region = "ID", ApiHost? host = null) =>
        await (host ?? Host).Anonymous.GetFromJsonAsync<JsonElement>(region == "ID" ? "/api/progress" : $"/api/progress/{region}");

    /// <summary>
    /// Waits until the page's national figures (data-value of each [data-figure]) are the API's, read
    /// afresh each time: rollups reach the nation a few push intervals after a write, so a single read
    /// of either side may be a moment old. Returns the figures both agree on once the API's satisfy until.
    /// </summary>
    public Task<JsonElement> PageAgreesWithNationAsync(IPage page, string[] figures, Func<JsonElement, bool>? until = null) =>
        PageAgreesAsync(page, "ID", "#figures", static totals => totals, figures, until);

    /// <summary>
    /// Waits until the figures shown under a selector (data-value of each [data-figure]) are a
    /// region's as the API answers them now, read afresh each time. source picks the figures out of
    /// the region's totals (its apparatus, a budget year); a figure named "prefix-name" reads "name".
    /// until is asked of the totals. Returns the figures both agree on. host: another service than the fixture's.
    /// </summary>
    public async Task<JsonElement> PageAgreesAsync(IPage page, string region, string within, Func<JsonElement, JsonElement> source,
        string[] figures, Func<JsonElement, bool>? until = null, ApiHost? host = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var totals = (await ProgressAsync(region, host)).GetProperty("totals");
            var api = source(totals);
            var differences = new List<string>();
            foreach (var figure in figures)
            {
                var shown = await page.Locator($"{within} [data-figure='{figure}']").GetAttributeAsync("data-value");
                var expected = api.GetProperty(figure[(figure.IndexOf('-', StringComparison.Ordinal) + 1)..]).GetDecimal();
                if (shown is null || decimal.Parse(shown, System.Globalization.CultureInfo.InvariantCulture) != expected)
                {
                    differences.Add($"{figure}: page {shown}, API {expected}");
                }
            }
            if (until is not null && !until(totals)) differences.Add("the API has not reached the expected figures yet");
            if (differences.Count == 0) return api;
            Assert.True(DateTime.UtcNow < deadline, $"The page's figures under {within} never matched {region}'s in the API: {string.Join("; ", differences)}");
            await Task.Delay(200);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>A browser test: skipped, saying why, only when Debian's Chromium is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(BrowserFixture.ChromiumPath))
        {
            Skip = $"Browser tests need Debian's Chromium at {BrowserFixture.ChromiumPath}: apt-get install -y chromium (scripts/test does it as root).";
        }
    }
}
