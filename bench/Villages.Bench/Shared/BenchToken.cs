using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Villages.Bench.Shared;

/// <summary>
/// Writes are made as real operators make them: each village with a token of its own operator
/// (a token naming a wider region writes nothing). Tokens are minted once per village and cached:
/// signed here with the development key of the service the bench started, else through the
/// service's POST /dev/tokens; --token replaces them all with one given token.
/// </summary>
public sealed class BenchToken
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _byVillage = new(StringComparer.Ordinal);
    private readonly Func<string, Task<string>> _mint;

    private BenchToken(Func<string, Task<string>> mint) => _mint = mint;

    /// <summary>Tokens for the service the bench runs: minted locally with its development signing key.</summary>
    public static BenchToken Local(string signingKey) =>
        new(village => Task.FromResult(DevelopmentJwt.Operator(Convert.FromBase64String(signingKey), village)));

    /// <summary>Tokens for a running service: the one given, else one per village from its /dev/tokens.</summary>
    public static BenchToken Remote(HttpClient http, Uri baseUrl, string? given) => !string.IsNullOrEmpty(given)
        ? new(_ => Task.FromResult(given))
        : new(async village =>
        {
            using var response = await http.PostAsJsonAsync(new Uri(baseUrl, "/dev/tokens"),
                new { subject = $"operator-{village}", roles = new[] { "village-operator" }, regions = new[] { village }, minutes = 600 });
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"No token: POST /dev/tokens answered {(int)response.StatusCode}. Run the service in Development (development tokens on) or pass --token.");
            }
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        });

    public Task<string> ForAsync(string village) => _byVillage.GetOrAdd(village, v => new Lazy<Task<string>>(() => _mint(v))).Value;

    /// <summary>Mints the tokens of these villages before a measurement, so minting is never timed.</summary>
    public Task WarmAsync(IEnumerable<string> villages, CancellationToken ct) =>
        Parallel.ForEachAsync(villages, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (v, _) => await ForAsync(v));

    /// <summary>A handler that signs each request to /api/villages/{code}/... with that village's operator token.</summary>
    public DelegatingHandler Handler(HttpMessageHandler inner) => new Signing(this) { InnerHandler = inner };

    private sealed class Signing(BenchToken tokens) : DelegatingHandler
    {
        private const string Prefix = "/api/villages/";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (request.Headers.Authorization is null && path.StartsWith(Prefix, StringComparison.Ordinal))
            {
                var end = path.IndexOf('/', Prefix.Length);
                var village = end < 0 ? path[Prefix.Length..] : path[Prefix.Length..end];
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.ForAsync(village));
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>An HS256 JWT as the service's development issuer mints it (issuer villages-development, audience villages-api).</summary>
internal static class DevelopmentJwt
{
    public static string Operator(byte[] key, string village)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Encode("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = $"operator-{village}", ["role"] = "village-operator", ["region"] = village,
            ["iss"] = "villages-development", ["aud"] = "villages-api", ["iat"] = now, ["nbf"] = now, ["exp"] = now + 12 * 3600,
        }));
        var signature = Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    private static string Encode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
