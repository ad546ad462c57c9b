using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Villages.Regions;

namespace Villages.Bench;

/// <summary>
/// Every village of the catalogue in one fixed pseudo-random order (all kinds, spread over the
/// country), handed out in slices: each load round gets villages of its own, so rounds do not
/// inherit each other's spent budgets.
/// </summary>
public sealed class VillagePool(RegionCatalog catalog, int seed)
{
    private readonly string[] _order = Shuffle(catalog, seed);
    private int _taken;

    public int Total => _order.Length;
    public int Remaining => _order.Length - _taken;

    public string[] Take(int count)
    {
        count = Math.Min(count, Remaining);
        var slice = _order.AsSpan(_taken, count).ToArray();
        _taken += count;
        return slice;
    }

    private static string[] Shuffle(RegionCatalog catalog, int seed)
    {
        var codes = catalog.AtLevel(RegionLevel.Village).Select(v => v.Code).ToArray();
        new Random(seed).Shuffle(codes);   // seeded Random: the same order on every run
        return codes;
    }
}

/// <summary>Opens a programme (PUT /api/villages/{code}/program) in each village of a round.</summary>
public static class VillageSetup
{
    public sealed record Outcome(int Villages, int Opened, TimeSpan Took, SortedDictionary<string, int> Statuses, string? FirstProblem);

    public static async Task<Outcome> OpenProgrammesAsync(
        HttpClient http, Uri baseUrl, IReadOnlyList<string> codes, long budget, int parallelism, CancellationToken ct)
    {
        // No fundingSource: the service picks SD for desa and SA for kelurahan.
        var body = Encoding.UTF8.GetBytes($$"""{"budgetAllocated":{{budget}}}""");
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        string? firstProblem = null;
        var opened = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(codes, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (code, token) =>
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            string key;
            try
            {
                using var response = await http.PutAsync(new Uri(baseUrl, $"/api/villages/{code}/program"), content, token);
                var status = (int)response.StatusCode;
                key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (status is 200 or 201) Interlocked.Increment(ref opened);
                else if (firstProblem is null)
                {
                    var text = await response.Content.ReadAsStringAsync(token);
                    Interlocked.CompareExchange(ref firstProblem, $"{status} for {code}: {Truncate(text)}", null);
                }
            }
            catch (HttpRequestException ex) { key = $"error:{ex.HttpRequestError}"; }
            catch (TaskCanceledException) when (!token.IsCancellationRequested) { key = "timeout"; }
            lock (statuses) statuses[key] = statuses.GetValueOrDefault(key) + 1;
        });
        return new Outcome(codes.Count, opened, clock.Elapsed, statuses, firstProblem);
    }

    internal static string Truncate(string text, int max = 300) =>
        text.Length <= max ? text : text[..max] + "...";
}
