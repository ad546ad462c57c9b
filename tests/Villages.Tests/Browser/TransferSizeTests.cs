using Microsoft.Playwright;
using IRequest = Microsoft.Playwright.IRequest;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Villages.Tests.Browser;

/// <summary>What the national page costs on a slow connection: the compressed bytes of everything it loads.</summary>
[Collection(BrowserCollection.Name), Trait("Category", "Browser")]
public sealed class TransferSizeTests(BrowserFixture browser, ITestOutputHelper output)
{
    /// <summary>About 15 s on a 64 kbit/s line; today's page needs about half of it.</summary>
    private const long Budget = 120 * 1024;

    [ChromiumFact]
    public async Task The_national_page_loads_compressed_and_small()
    {
        var page = await browser.NewPageAsync();
        var finished = new List<IRequest>();
        page.RequestFinished += (_, request) => { lock (finished) finished.Add(request); };
        await page.GotoAsync("/");
        await Expect(page.Locator("#children-table a")).ToHaveCountAsync(38);
        await Expect(page.Locator("#agents-table table")).ToBeVisibleAsync();
        await Expect(page.Locator("#lagging-table td").First).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(1000); // late small requests (the live stream's first event is not a finished request)

        long total = 0;
        List<IRequest> requests;
        lock (finished) requests = [.. finished];
        foreach (var request in requests)
        {
            var sizes = await request.SizesAsync();
            var response = await request.ResponseAsync();
            var encoding = response is null ? null : await response.HeaderValueAsync("content-encoding");
            var bytes = sizes.ResponseBodySize + sizes.ResponseHeadersSize;
            total += bytes;
            output.WriteLine($"{bytes,8:N0} B  {encoding ?? "-",-4} {request.Url}");
            var path = new Uri(request.Url).AbsolutePath;
            if (path.EndsWith(".js", StringComparison.Ordinal) || path.EndsWith(".css", StringComparison.Ordinal) || path == "/")
            {
                Assert.True(encoding is "br" or "gzip", $"{request.Url} was sent uncompressed.");
            }
        }
        output.WriteLine($"{total,8:N0} B  in {requests.Count} requests (compressed bodies and headers)");
        await File.WriteAllTextAsync(Path.Combine(BrowserFixture.Screenshots, "transfer-size.txt"), $"{total} bytes in {requests.Count} requests\n");
        Assert.InRange(total, 1, Budget);
    }
}
