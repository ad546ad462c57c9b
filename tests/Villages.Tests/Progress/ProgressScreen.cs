using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Villages.Tests.Progress;

/// <summary>
/// A monitoring screen on the live stream, over real HTTP: reads Server-Sent Events frames
/// (<c>event:</c>, <c>data:</c> lines, a blank line ends a frame) as they arrive.
/// </summary>
public sealed class ProgressScreen : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private ProgressScreen(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Opens the stream and returns once the headers are in; the body is read as it comes.</summary>
    public static async Task<ProgressScreen> OpenAsync(HttpClient http, string region)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/progress/stream?region={region}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new ProgressScreen(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next <c>progress</c> event whose figures satisfy the condition (earlier ones are skipped), within the deadline.</summary>
    public async Task<JsonElement> NextAsync(Func<JsonElement, bool> wanted)
    {
        using var deadline = new CancellationTokenSource(Rollups.Deadline);
        string? name = null;
        var data = new StringBuilder();
        var seen = new List<string>();
        try
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync(deadline.Token) ?? throw new EndOfStreamException("The stream ended.");
                if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(line["data: ".Length..]);
                else if (line.Length == 0 && data.Length > 0)
                {
                    using var document = JsonDocument.Parse(data.ToString());
                    var figures = document.RootElement.Clone();
                    if (name == "progress" && wanted(figures)) return figures;
                    seen.Add($"{name}: {figures.GetProperty("totals")}");
                    (name, data) = (null, data.Clear());
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"No such progress event within {Rollups.Deadline}; saw {seen.Count}:\n{string.Join("\n", seen)}");
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
