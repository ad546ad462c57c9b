using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Security;

namespace Villages.Tests.Security;

/// <summary>A service of its own for the hostile bodies: nothing else writes while they are sent.</summary>
public sealed class HostileBodyFixture : IAsyncLifetime
{
    public ApiHost Host { get; } = new();

    /// <summary>A village of Banyuwangi with this year's programme, for the village endpoints' paths.</summary>
    public string Village { get; } = Workers.TestVillage(70);

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        (await Host.PutProgram(Village, new { budgetAllocated = 20_160_000 })).EnsureSuccessStatusCode();
    }

    public Task DisposeAsync() => Host.DisposeAsync();
}

/// <summary>
/// Every operation of the OpenAPI document that takes a body, whatever it is sent: bodies at its
/// declared limit (x-maximum-bytes) and past it (with a length, and chunked without one), the wrong
/// content types, malformed JSON and CSV, null, empty, every member null. Each is answered with an
/// RFC 9457 problem (400, 413 or 415: never a 5xx, never a success) by a caller the operation
/// allows, and the database is the same byte for byte afterwards. An operation added without a
/// declared limit, or without a caller here, fails.
/// </summary>
public sealed class HostileBodyTests(HostileBodyFixture fixture) : IClassFixture<HostileBodyFixture>
{
    private static readonly JsonObject Document = (JsonObject)JsonNode.Parse(File.ReadAllText(OpenApiFiles.Snapshot))!;

    public static TheoryData<string, string, string> Operations()
    {
        var operations = new TheoryData<string, string, string>();
        foreach (var (path, item) in Document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject().Where(static o => o.Value is JsonObject { } op && op.ContainsKey("requestBody")))
            {
                operations.Add(method.ToUpperInvariant(), path, operation!["operationId"]!.GetValue<string>());
            }
        }
        return operations;
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Every_hostile_body_is_a_problem_and_writes_nothing(string method, string template, string operationId)
    {
        var operation = Document["paths"]![template]![method.ToLowerInvariant()]!;
        var body = operation["requestBody"]!;
        Assert.True(body[WebApi.Http.BodyLimit.OpenApiExtension] is not null, $"{operationId} declares no body limit ({WebApi.Http.BodyLimit.OpenApiExtension}).");
        var limit = body[WebApi.Http.BodyLimit.OpenApiExtension]!.GetValue<long>();
        var types = body["content"]!.AsObject().Select(static c => c.Key).ToList();
        using var client = Caller(operationId);
        var path = Path(template);
        var before = await SettledDigestAsync();

        var failures = new List<string>();
        foreach (var (what, make, expected) in Hostile(template, limit, types, body["required"]?.GetValue<bool>() == true, Schema(body)))
        {
            using var request = make();
            request.Method = new HttpMethod(method);
            request.RequestUri = new Uri(path, UriKind.Relative);
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request);
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"{what}: no answer ({ex.InnerException?.Message ?? ex.Message})");
                continue;
            }
            using var _ = response;
            var status = (int)response.StatusCode;
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            if (!expected.Contains(status) || !problem) failures.Add($"{what}: {status} {response.Content.Headers.ContentType}, expected a problem with {string.Join(" or ", expected)}");
        }

        Assert.True(failures.Count == 0, $"{method} {template}:\n" + string.Join("\n", failures));
        Assert.Equal(before, await SettledDigestAsync());
    }

    /// <summary>
    /// The database once what earlier cases set going (a rollup's write, a job's last status) has
    /// landed: the same digest twice, half a second apart. A write by the case itself stays in it.
    /// </summary>
    private async Task<string> SettledDigestAsync()
    {
        var digest = (await DatabaseDump.ReadAsync(fixture.Host.ConnectionString)).Digest("orleansmembership");
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(500);
            var again = (await DatabaseDump.ReadAsync(fixture.Host.ConnectionString)).Digest("orleansmembership");
            if (again == digest) break;
            digest = again;
        }
        return digest;
    }

    private static IEnumerable<(string What, Func<HttpRequestMessage> Make, int[] Expected)> Hostile(string template, long limit, List<string> types, bool required, JsonObject? schema)
    {
        int[] bad = [400], tooLarge = [413];
        foreach (var type in types)
        {
            var csv = type == "text/csv";
            // Exactly at the limit it is read (and found malformed); one byte more is refused, told by its length or found out by reading.
            yield return ($"{type} of exactly {limit} bytes", () => Sized(AtLimit(limit, csv), type, chunked: false), bad);
            yield return ($"{type} of {limit + 1} bytes", () => Sized(AtLimit(limit + 1, csv), type, chunked: false), tooLarge);
            yield return ($"{type} of {limit + 1} bytes, chunked", () => Sized(csv ? LongRows(template, limit + 1) : AtLimit(limit + 1, csv: false), type, chunked: true), tooLarge);
            string[] malformed = csv
                ? ["", "null", "\"unterminated,quote\n1,2\n", "nik;name\n\u0000\u0001\u0002", "<csv/>"]
                : ["", "null", "{", "[1,", "{\"a\":}", "\u00ff\u00fe\u0000", "{\"a\":" + new string('[', 5000), "\"text\"", "12"];
            foreach (var text in malformed.Where(t => required || t.Length > 0)) // an optional body may be left empty
            {
                yield return ($"{type} {Trim(text)}", () => Text(text, type), Encoding.UTF8.GetByteCount(text) > limit ? tooLarge : bad);
            }
        }
        foreach (var type in new[] { "application/xml", "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded" })
        {
            yield return ($"wrong type {type}", () => Text("<a/>", type), [415]);
        }
        yield return ("no content type", () => new HttpRequestMessage { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}")) }, [415]);
        if (required && schema?["properties"] is JsonObject properties && types.Contains("application/json"))
        {
            var nulls = new JsonObject(properties.Select(static p => KeyValuePair.Create(p.Key, (JsonNode?)null)));
            yield return ("every member null", () => Text(nulls.ToJsonString(), "application/json"), bad);
        }
    }

    /// <summary>
    /// Malformed content of exactly that size, which must be read to its end to be found so: one
    /// unterminated JSON string (a JSON reader needs the whole token), or a CSV whose header names nothing known.
    /// </summary>
    private static byte[] AtLimit(long bytes, bool csv)
    {
        var head = Encoding.UTF8.GetBytes(csv ? "unknown\n" : "\"");
        var all = new byte[bytes];
        head.CopyTo(all, 0);
        all.AsSpan(head.Length).Fill((byte)'a');
        return all;
    }

    /// <summary>The endpoint's own CSV, read row after row (long rows: the byte limit comes before any row limit), past that size.</summary>
    private static byte[] LongRows(string template, long bytes)
    {
        var filler = new string('x', 8000);
        var (header, row) = template.Contains("reconciliations", StringComparison.Ordinal)
            ? ("nik,kpj,status,registeredOn,reason", $"3510014503900001,12345678901,refused,2026-01-05,{filler}")
            : template.Contains("imports", StringComparison.Ordinal)
                ? ("villageCode,nik,name,occupation,monthlyIncome", $"35.10.01.2001,3510014503900001,{filler},petani,1000000")
                : ("nik,name,occupation,monthlyIncome", $"3510014503900001,{filler},petani,1000000");
        var text = new StringBuilder(header).Append('\n');
        while (text.Length <= bytes) text.Append(row).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static HttpRequestMessage Sized(byte[] bytes, string type, bool chunked)
    {
        HttpContent content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        var request = new HttpRequestMessage { Content = content };
        // As careful clients send big bodies: a refusal told by the length comes before the body is sent,
        // and a connection the server may close on a body it stopped reading is not used again.
        request.Headers.ExpectContinue = true;
        request.Headers.ConnectionClose = true;
        if (chunked) request.Headers.TransferEncodingChunked = true;
        return request;
    }

    private static HttpRequestMessage Text(string text, string type)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        return new HttpRequestMessage { Content = content };
    }

    private static JsonObject? Schema(JsonNode body)
    {
        var schema = body["content"]?["application/json"]?["schema"];
        if (schema?["oneOf"] is JsonArray oneOf) schema = oneOf[0]; // one object, or an array of them
        return schema?["$ref"]?.GetValue<string>() is { } reference
            ? Document["components"]!["schemas"]![reference.Split('/')[^1]] as JsonObject
            : schema as JsonObject;
    }

    private string Path(string template) => template
        .Replace("/api/regions/{code}", "/api/regions/35.10", StringComparison.Ordinal)
        .Replace("{code}", fixture.Village, StringComparison.Ordinal)
        .Replace("{year}", DateTime.UtcNow.AddHours(7).Year.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>A caller each operation lets through to its body: what is refused is the body, not the caller.</summary>
    private HttpClient Caller(string operationId)
    {
        var host = fixture.Host;
        return operationId switch
        {
            "createDevelopmentToken" => host.NewClient(),
            "putProgram" or "putYearProgram" or "renew" or "enroll" or "enrollBatch" or "recordPayment" or "startImport" => host.OperatorOf(fixture.Village),
            "lookupCoverage" or "reinstate" or "startReconciliation" => host.ClientFor(host.Token("branch", [Roles.BpjsBranch], ["35.10"])),
            "startRegionRenewal" or "putAgent" => host.ClientFor(host.Token("officer", [Roles.RegencyOfficer], ["35.10"])),
            _ => throw new InvalidOperationException($"{operationId} takes a body: give it a caller here, so that its hostile bodies are tested."),
        };
    }

    private static string Trim(string text) => text.Length > 40 ? text[..40] + "..." : text;
}
