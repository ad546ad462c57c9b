using System.Net.Http.Json;
using System.Text.Json;

namespace Villages.Bench.Shared;

/// <summary>
/// Writes need a bearer token. The bench's own service runs in Development, whose local issuer
/// (POST /dev/tokens) mints one for a village operator of the whole country; against a running
/// service, pass --token or run it in Development too.
/// </summary>
public static class BenchToken
{
    public static async Task<string> GetAsync(HttpClient http, Uri baseUrl, string? given, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(given)) return given;
        using var response = await http.PostAsJsonAsync(new Uri(baseUrl, "/dev/tokens"),
            new { subject = "bench", roles = new[] { "village-operator" }, regions = new[] { "ID" }, minutes = 600 }, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"No token: POST /dev/tokens answered {(int)response.StatusCode}. Run the service in Development (development tokens on) or pass --token.");
        }
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return body.GetProperty("token").GetString()!;
    }
}
