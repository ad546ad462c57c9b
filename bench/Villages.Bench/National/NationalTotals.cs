using System.Text;
using System.Text.Json;
using Villages.Bench.Shared;

namespace Villages.Bench.National;

/// <summary>The nation's totals from GET /api/progress.</summary>
public sealed record NationalTotals(long WorkersEnrolled, long VillagesWithProgram, long VillagesAtTarget, long BudgetAllocated, long BudgetCommitted)
{
    public static async Task<NationalTotals> ReadAsync(HttpClient http, Uri baseUrl, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(baseUrl, "/api/progress"), ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        try
        {
            if ((int)response.StatusCode == 200)
            {
                using var doc = JsonDocument.Parse(body);
                var t = doc.RootElement.GetProperty("totals");
                return new NationalTotals(t.GetProperty("workersEnrolled").GetInt64(), t.GetProperty("villagesWithProgram").GetInt64(),
                    t.GetProperty("villagesAtTarget").GetInt64(), t.GetProperty("budgetAllocated").GetInt64(), t.GetProperty("budgetCommitted").GetInt64());
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // not the shape we know: below
        }
        throw new InvalidOperationException($"GET /api/progress answered {(int)response.StatusCode} without the totals: {BenchText.Truncate(Encoding.UTF8.GetString(body))}");
    }
}
