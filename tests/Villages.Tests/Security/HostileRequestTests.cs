using System.Net.Http.Headers;
using System.Text;
using Villages.Tests.Api;
using Villages.Tests.Infrastructure;
using Villages.WebApi.Security;

namespace Villages.Tests.Security;

/// <summary>
/// More than a thousand hostile or malformed requests: none gets a 5xx, none changes anything.
/// Deterministic (fixed seed), so a failure names the request that caused it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileRequestTests(ApiFixture api)
{
    private static readonly string[] Injections =
    [
        "' OR '1'='1", "'; DROP TABLE orleansstorage;--", "\"}]}", "<script>alert(1)</script>", "../../etc/passwd", "..\\..\\windows",
        "%00", "\u0000", "\u202e", "${jndi:ldap://x}", "{{7*7}}", "$(rm -rf /)", "\ud83d\ude00", new string('A', 5000), "NaN", "-1", "1e309",
    ];

    [Fact]
    public async Task A_thousand_hostile_requests_get_no_5xx_and_change_nothing()
    {
        var code = await api.OpenVillage();
        var before = await State(code);
        var requests = Hostile(code).ToList();
        Assert.True(requests.Count >= 1000, $"only {requests.Count} requests");

        var failures = new List<string>();
        foreach (var (what, make) in requests)
        {
            using var request = make();
            using var response = await api.Http.SendAsync(request);
            if ((int)response.StatusCode >= 500) failures.Add($"{(int)response.StatusCode} for {what}");
        }

        Assert.Empty(failures);
        Assert.Equal(before, await State(code));
    }

    private async Task<string> State(string code)
    {
        var village = await (await api.Http.GetAsync($"/api/villages/{code}")).Json();
        var history = await (await api.Http.GetAsync($"/api/villages/{code}/history")).Json();
        var list = await (await api.Http.GetAsync($"/api/villages/{code}/enrollments")).Json();
        return $"{village.GetProperty("program")} {village.GetProperty("activeEnrollments")} {history.GetProperty("total")} {list.GetProperty("total")}";
    }

    private IEnumerable<(string What, Func<HttpRequestMessage> Make)> Hostile(string code)
    {
        var random = new Random(20261125);
        string[] paths =
        [
            $"/api/villages/{code}/enrollments", $"/api/villages/{code}/enrollments/batch", $"/api/villages/{code}/program",
        ];
        string[] contentTypes = ["application/json", "text/plain", "application/xml", "text/csv", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", ""];
        string[] bodies =
        [
            "", "{", "}", "[", "null", "true", "123", "\"x\"", "[]", "{}", "[{}]", "{\"nik\":null}", "{\"nik\":[]}", "{\"nik\":{}}",
            "{\"monthlyIncome\":\"lots\"}", "{\"monthlyIncome\":-1}", "{\"monthlyIncome\":99999999999999999999}", "{\"programs\":\"JKK\"}",
            "{\"programs\":[1,2]}", "{\"budgetAllocated\":\"1\"}", "{\"budgetAllocated\":0}", "{\"budgetAllocated\":-20160000}",
            "{\"targetWorkers\":1e10}", "{\"fundingSource\":7}", "{\"coverageMonths\":\"twelve\"}", "nik,name\n1,2", "\u00ff\u00fe", "{\"a\":" + new string('[', 2000),
        ];
        foreach (var path in paths)
        {
            foreach (var type in contentTypes)
            {
                foreach (var body in bodies)
                {
                    var method = path.EndsWith("/program", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post;
                    yield return ($"{method} {path} [{type}] {Trim(body)}", () => WithBody(method, path, body, type));
                }
            }
        }
        foreach (var injection in Injections)
        {
            var escaped = Uri.EscapeDataString(injection);
            var json = System.Text.Json.JsonSerializer.Serialize(new { nik = injection, name = injection, occupation = injection, monthlyIncome = 1_000_000, agentId = injection });
            yield return ($"enrol with injected fields {Trim(injection)}", () => WithBody(HttpMethod.Post, $"/api/villages/{code}/enrollments", json, "application/json"));
            yield return ($"csv with injected fields {Trim(injection)}", () => WithBody(HttpMethod.Post, $"/api/villages/{code}/enrollments/batch",
                $"nik,name,occupation,monthlyIncome\n\"{injection.Replace("\"", "\"\"")}\",\"{injection.Replace("\"", "\"\"")}\",nelayan,1000000\n", "text/csv"));
            foreach (var template in new[] { "/api/villages/{0}", "/api/villages/{0}/enrollments", "/api/villages/" + code + "/enrollments/{0}", "/api/progress/{0}", "/api/progress/stream?region={0}", "/api/villages/" + code + "/enrollments?offset={0}&limit={0}", "/api/progress/35/lagging?notStarted={0}" })
            {
                var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, escaped);
                yield return ($"GET {Trim(path)}", () => new HttpRequestMessage(HttpMethod.Get, path));
                yield return ($"DELETE {Trim(path)}", () => new HttpRequestMessage(HttpMethod.Delete, path));
            }
        }
        foreach (var token in BadTokens())
        {
            yield return ($"enrol with bad token {Trim(token)}", () =>
            {
                var request = WithBody(HttpMethod.Post, $"/api/villages/{code}/enrollments", "{\"nik\":\"3510014503900001\",\"name\":\"A\",\"occupation\":\"nelayan\",\"monthlyIncome\":1000000}", "application/json");
                request.Headers.TryAddWithoutValidation("Authorization", token);
                return request;
            });
        }
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(1, 400)];
            random.NextBytes(bytes);
            var text = Encoding.Latin1.GetString(bytes);
            yield return ($"random bytes #{i}", () => WithBody(HttpMethod.Post, $"/api/villages/{code}/enrollments", text, i % 2 == 0 ? "application/json" : "text/csv"));
        }
    }

    private IEnumerable<string> BadTokens()
    {
        var real = api.Host.Token("intruder", [Roles.VillageOperator], ["ID"]);
        var parts = real.Split('.');
        yield return "Bearer";
        yield return "Bearer ";
        yield return "Basic dXNlcjpwYXNz";
        yield return "Bearer " + parts[0] + "." + parts[1] + ".";                         // unsigned
        yield return "Bearer eyJhbGciOiJub25lIn0." + parts[1] + ".";                       // alg none
        yield return "Bearer " + parts[0] + "." + parts[1] + "." + new string('A', 43);   // forged signature
        yield return "Bearer " + api.Host.Token("late", [Roles.VillageOperator], ["ID"], lifetime: TimeSpan.FromMinutes(-10));
        yield return "Bearer " + new string('x', 10_000);
        yield return "Bearer ' OR 1=1 --";
    }

    private static HttpRequestMessage WithBody(HttpMethod method, string path, string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType.Length > 0) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpRequestMessage(method, path) { Content = content };
    }

    private static string Trim(string text) => text.Length > 60 ? text[..60] + "..." : text;
}
