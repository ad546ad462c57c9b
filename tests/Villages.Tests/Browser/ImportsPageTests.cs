using System.Text;
using Microsoft.Playwright;
using Villages.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Villages.Tests.Browser;

/// <summary>The bulk import screen (/imports): a file across villages, its job followed to its counts and its report.</summary>
[Collection(BrowserCollection.Name), Trait("Category", "Browser")]
public sealed class ImportsPageTests(BrowserFixture browser, ITestOutputHelper output)
{
    [ChromiumFact]
    public async Task An_operator_imports_a_file_and_sees_its_counts_and_downloads_its_report()
    {
        var village = await browser.OpenVillageAsync();
        var file = new StringBuilder("villageCode,nik,name,occupation,monthlyIncome,programs,agentId\n")
            .Append(village).Append(',').Append(Workers.NewNik()).Append(",Siti Aminah,nelayan,1000000,JKK;JKM,\n")
            .Append(village).Append(",3510019913900001,Budi Santoso,petani,1000000,JKK;JKM,\n");

        var page = await browser.NewPageAsync();
        await page.GotoAsync("/imports");
        await BrowserFixture.SignInAsync(page, "village-operator", village, "Operator desa");
        await page.Locator("#import-form input[type=file]").SetInputFilesAsync(new FilePayload { Name = "pekerja.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(file.ToString()) });
        await page.Locator("#import-form button[type=submit]").ClickAsync();

        await Expect(page.Locator("#import-status .import-job")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(page.Locator("#import-status")).ToContainTextAsync("2 dari 2 baris diproses: 1 baru");
        await Expect(page.Locator("#import-status")).ToContainTextAsync("1 ditolak");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#import-report").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        Assert.Equal(3, (await File.ReadAllTextAsync((await download.PathAsync())!)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        output.WriteLine(await BrowserFixture.ShootAsync(page, "imports"));
    }
}
