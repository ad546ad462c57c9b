using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Villages.Bench.Shared;

namespace Villages.Bench.Single;

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
                    Interlocked.CompareExchange(ref firstProblem, $"{status} for {code}: {BenchText.Truncate(text)}", null);
                }
            }
            catch (HttpRequestException ex) { key = $"error:{ex.HttpRequestError}"; }
            catch (TaskCanceledException) when (!token.IsCancellationRequested) { key = "timeout"; }
            lock (statuses) statuses[key] = statuses.GetValueOrDefault(key) + 1;
        });
        return new Outcome(codes.Count, opened, clock.Elapsed, statuses, firstProblem);
    }
}
