using System.Globalization;
using Villages.Bench.Shared;

namespace Villages.Bench.National;

/// <summary>
/// The answers of one step's requests, one per village: a count per status (or transport error, or
/// timeout) and the first problem met, told in full once.
/// </summary>
public sealed class RequestTally
{
    private string? _firstProblem;

    public SortedDictionary<string, long> Statuses { get; } = new(StringComparer.Ordinal);

    public string? FirstProblem => _firstProblem;

    /// <summary>Sends one village's request; a success goes to <paramref name="onSuccess"/>, anything else is counted and told.</summary>
    public async Task<bool> SendAsync(string code, Func<Task<HttpResponseMessage>> send, Func<HttpResponseMessage, Task> onSuccess, CancellationToken token)
    {
        string key;
        var succeeded = false;
        try
        {
            using var response = await send();
            key = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            if (response.IsSuccessStatusCode)
            {
                await onSuccess(response);
                succeeded = true;
            }
            else if (_firstProblem is null)
            {
                var text = await response.Content.ReadAsStringAsync(token);
                Interlocked.CompareExchange(ref _firstProblem, $"{key} for {code}: {BenchText.Truncate(text)}", null);
            }
        }
        catch (HttpRequestException ex) { key = $"error:{ex.HttpRequestError}"; Interlocked.CompareExchange(ref _firstProblem, $"{key} for {code}: {ex.Message}", null); }
        catch (TaskCanceledException) when (!token.IsCancellationRequested) { key = "timeout"; }
        lock (Statuses) Statuses[key] = Statuses.GetValueOrDefault(key) + 1;
        return succeeded;
    }

    public string Describe() => string.Join(", ", Statuses.Select(static s => $"{s.Key} x{s.Value:N0}"));
}
