using System.Text.Json;

namespace Villages.Bench.National;

/// <summary>Reading a batch answer: {"rows":N,"created":C,...,"results":[{"row":1,"result":"created",...,"error":{...}}]}.</summary>
public static class BatchAnswer
{
    /// <summary>rows and created from the top level, without reading the results (they come after the counts).</summary>
    public static (int Rows, int Created)? Counts(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            int? rows = null, created = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("rows"u8)) { reader.Read(); rows = reader.GetInt32(); }
                else if (reader.ValueTextEquals("created"u8)) { reader.Read(); created = reader.GetInt32(); }
                else { reader.Read(); reader.Skip(); }
                if (rows is { } r && created is { } c) return (r, c);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // unreadable
        }
        return null;
    }

    /// <summary>The rows not created, by kind ("unchanged", "rejected 409 budget-exceeded", ...), with the first row of each kind.</summary>
    public static IEnumerable<(string Kind, long Count, string Example)> NotCreated(ReadOnlySpan<byte> json, int sent)
    {
        var kinds = new Dictionary<string, (long Count, string Example)>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            var results = doc.RootElement.GetProperty("results");
            foreach (var row in results.EnumerateArray())
            {
                var result = row.GetProperty("result").GetString() ?? "?";
                if (result == "created") continue;
                var kind = result;
                if (row.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    var status = error.TryGetProperty("status", out var st) ? st.ToString() : "?";
                    var code = error.TryGetProperty("code", out var cd) ? cd.ToString() : "?";
                    kind = $"{result} {status} {code}";
                }
                kinds[kind] = kinds.TryGetValue(kind, out var seen) ? (seen.Count + 1, seen.Example) : (1, row.GetRawText());
            }
            var answered = results.GetArrayLength();
            if (answered != sent) kinds[$"{sent - answered} rows missing from the answer"] = (Math.Abs(sent - answered), "");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            kinds["unreadable answer"] = (sent, ex.Message);
        }
        return kinds.Select(k => (k.Key, k.Value.Count, k.Value.Example));
    }
}
