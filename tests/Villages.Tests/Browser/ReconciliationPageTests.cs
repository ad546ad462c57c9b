using System.Net;
using System.Text;
using Microsoft.Playwright;
using Villages.Domain;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Http;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Villages.Tests.Browser;

/// <summary>
/// A BPJS branch's reconciliation screen (/rekonsiliasi): a result file uploaded for a regency, its
/// counts and per-row report in Bahasa Indonesia, the report downloaded; the enrolments then show
/// BPJS's word (confirmed with the KPJ masked, or refused with BPJS's reason). And every problem the
/// API answers has its words in Bahasa Indonesia on the page.
/// </summary>
[Collection(BrowserCollection.Name), Trait("Category", "Browser")]
public sealed class ReconciliationPageTests(BrowserFixture browser, ITestOutputHelper output)
{
    [ChromiumFact]
    public async Task A_branch_uploads_a_result_file_and_sees_its_counts_its_rows_and_the_workers_bpjs_status()
    {
        var village = await browser.OpenVillageAsync();
        var (confirmed, refused) = (Workers.Worker(name: "Siti Aminah"), Workers.Worker(name: "Budi Santoso"));
        foreach (var worker in new[] { confirmed, refused })
        {
            Assert.Equal(HttpStatusCode.Created, (await browser.Host.Enroll(village, ApiHost.Body(worker))).StatusCode);
        }
        var today = CoverageCalendar.LocalDate(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var file = new StringBuilder("nik,kpj,status,registeredOn,reason\n")
            .Append(confirmed.Nik).Append(",12345678901,terdaftar,").Append(today).Append(",\n")
            .Append(refused.Nik).Append(",,ditolak,,NIK tidak sesuai Dukcapil\n")
            .Append(Workers.NewNik()).Append(",22222222222,terdaftar,").Append(today).Append(",\n")
            .Append("12ab,33333333333,terdaftar,").Append(today).Append(",\n");

        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Rekonsiliasi BPJS" }).ClickAsync();
        await Expect(page).ToHaveURLAsync("/rekonsiliasi");
        await BrowserFixture.SignInAsync(page, "bpjs-branch", "35.10", "Kantor cabang BPJS");
        await Expect(page.Locator("#reconcile-region")).ToHaveValueAsync("35.10"); // the branch's regency
        await page.Locator("#reconcile-file").SetInputFilesAsync(new FilePayload { Name = "hasil-bpjs.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(file.ToString()) });
        await page.Locator("#reconcile-form button[type=submit]").ClickAsync();

        await Expect(page.Locator("#reconcile-status .import-job")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(page.Locator("#reconcile-counts")).ToHaveTextAsync(
            "4 dari 4 baris diproses: 1 cocok, 0 tetap, 1 ditolak BPJS, 1 tidak dikenal, 0 KPJ bentrok, 1 tidak sah.");
        foreach (var (name, value) in new[] { ("matched", 1), ("refusedByBpjs", 1), ("unknown", 1), ("invalid", 1), ("kpjConflicts", 0) })
        {
            await Expect(page.Locator($"#reconcile-figures [data-figure='{name}']")).ToHaveAttributeAsync("data-value", $"{value}");
        }
        var rows = page.Locator("#reconcile-results tbody tr");
        await Expect(rows).ToHaveCountAsync(4);
        await Expect(rows.Filter(new() { HasText = "Cocok" })).ToContainTextAsync(village);
        await Expect(rows.Filter(new() { HasText = "Ditolak BPJS" })).ToContainTextAsync("NIK tidak sesuai Dukcapil");
        await Expect(rows.Filter(new() { HasText = "Tidak dikenal" })).ToContainTextAsync("buku besar kabupaten/kota ini tidak");
        await Expect(rows.Filter(new() { HasText = "Tidak sah" })).ToHaveCountAsync(1);
        Assert.DoesNotContain(confirmed.Nik!, await page.Locator("#reconcile-results").InnerTextAsync());
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/rekonsiliasi/35\.10/[0-9a-f-]{36}$"));
        output.WriteLine(await BrowserFixture.ShootAsync(page, "reconciliation"));

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#reconcile-report").ClickAsync());
        Assert.StartsWith("rekonsiliasi-35.10-", download.SuggestedFilename, StringComparison.Ordinal);
        var report = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Equal(5, report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // The job has its own path: a reload shows it again.
        await page.ReloadAsync();
        await Expect(page.Locator("#reconcile-counts")).ToContainTextAsync("1 cocok");

        // The village's workers carry BPJS's word.
        await page.GotoAsync($"/v/{village}");
        var table = page.Locator("#enrollments-table tbody");
        await Expect(table.Locator("tr").Filter(new() { HasText = "Siti Aminah" }).Locator(".bpjs")).ToContainTextAsync("Terkonfirmasi BPJS");
        await Expect(table.Locator("tr").Filter(new() { HasText = "Siti Aminah" }).Locator(".bpjs")).ToContainTextAsync("KPJ *******8901");
        await Expect(table.Locator("tr").Filter(new() { HasText = "Budi Santoso" }).Locator(".bpjs")).ToContainTextAsync("Ditolak BPJS");
        await Expect(table.Locator("tr").Filter(new() { HasText = "Budi Santoso" }).Locator(".bpjs")).ToContainTextAsync("NIK tidak sesuai Dukcapil");
        output.WriteLine(await BrowserFixture.ShootAsync(page, "village-bpjs-status"));
    }

    [ChromiumFact]
    public async Task Every_problem_the_api_answers_has_its_title_in_bahasa_indonesia()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#figures [data-figure]").First).ToBeVisibleAsync();
        var codes = ProblemType.All.Select(static p => p.Code).ToArray();
        var missing = await page.EvaluateAsync<string[]>(
            "async (codes) => { const { maybe } = await import('/js/i18n.js'); return codes.filter((c) => maybe(`problemCode.${c}`) === null); }", codes);
        Assert.True(missing.Length == 0, $"No Bahasa Indonesia title for: {string.Join(", ", missing)}");
    }
}
