using System.Net.Http.Headers;
using System.Text;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Api;

/// <summary>Whatever a client sends, it gets a problem it can act on, never a 500, and nothing changes.</summary>
[Collection(ApiCollection.Name)]
public sealed class BadInputTests(ApiFixture api)
{
    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "{", "application/json", "malformed-request" },
        { "", "application/json", "malformed-request" },
        { "null", "application/json", "malformed-request" },
        { "[1,2]", "application/json", "malformed-request" },
        { "{\"nik\": 3510014503900001}", "application/json", "malformed-request" },
        { "{\"nik\":\"3510014503900001\",\"name\":\"A\",\"occupation\":\"nelayan\",\"monthlyIncome\":\"1000000\"}", "application/json", "malformed-request" },
        { "{\"nik\":\"3510014503900001\",\"name\":\"A\",\"occupation\":\"nelayan\",\"monthlyIncome\":1e400}", "application/json", "malformed-request" },
        { "{\"nik\":\"3510014503900001\",\"name\":\"A\",\"occupation\":\"nelayan\",\"monthlyIncome\":1000000,\"programs\":\"JKK\"}", "application/json", "malformed-request" },
        { "{\"nik\":\"3510014503900001\",\"name\":\"A\",\"occupation\":\"nelayan\",\"monthlyIncome\":1000000,\"programs\":[\"JKX\"]}", "application/json", "invalid-enrollment" },
        { "{\"nik\":\"3510014503900001\",\"name\":\"\",\"occupation\":\"nelayan\",\"monthlyIncome\":1000000}", "application/json", "invalid-enrollment" },
        { "{\"nik\":\"3510014503900001\",\"name\":\"A\",\"occupation\":\"astronaut\",\"monthlyIncome\":1000000}", "application/json", "invalid-enrollment" },
        { "{\"nik\":\"3510014503900001\",\"name\":\"A\",\"occupation\":\"nelayan\",\"monthlyIncome\":-500}", "application/json", "invalid-enrollment" },
        { "{\"nik\":\"3510014503900001\",\"name\":\"A\",\"occupation\":\"nelayan\",\"monthlyIncome\":1000000,\"programs\":[\"JKM\"]}", "application/json", "invalid-enrollment" },
        { "{\"nik\":\"3510014503900001\",\"name\":\"A\",\"occupation\":\"nelayan\",\"monthlyIncome\":1000000,\"agentId\":\"'; DROP TABLE x;--\"}", "application/json", "invalid-enrollment" },
        { "{\"name\":\"A\"}", "application/json", "invalid-nik" },
        { "nik=1", "application/x-www-form-urlencoded", "unsupported-media-type" },
        { "<xml/>", "text/xml", "unsupported-media-type" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_enrolment_body_is_a_problem_and_changes_nothing(string body, string contentType, string code)
    {
        var village = await api.OpenVillage();
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var response = await api.Http.PostAsync($"/api/villages/{village}/enrollments", content);
        var status = code switch { "unsupported-media-type" => 415, _ => 400 };
        await response.Problem(status, code);
        var after = await (await api.Http.GetAsync($"/api/villages/{village}")).Json();
        Assert.Equal(0, after.GetProperty("activeEnrollments").GetInt32());
        Assert.Equal(0, after.GetProperty("program").GetProperty("budgetCommitted").GetInt64());
    }

    [Fact]
    public async Task Huge_bodies_are_413()
    {
        var village = await api.OpenVillage();
        // Expect: 100-continue, as careful clients send big bodies: the 413 comes before the body,
        // so the test does not race the server closing a connection it refused.
        async Task<HttpResponseMessage> Post(string path, string body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.ExpectContinue = true;
            return await api.Http.SendAsync(request);
        }
        await (await Post($"/api/villages/{village}/enrollments", "{\"name\":\"" + new string('x', 100_000) + "\"}")).Problem(413, "payload-too-large");
        await (await Post($"/api/villages/{village}/enrollments/batch", "[" + string.Join(",", Enumerable.Repeat("{}", 1_100_000)) + "]")).Problem(413, "payload-too-large");
        var tooManyRows = new StringContent("[" + string.Join(",", Enumerable.Repeat("{}", 1001)) + "]", Encoding.UTF8, "application/json");
        await (await api.Http.PostAsync($"/api/villages/{village}/enrollments/batch", tooManyRows)).Problem(413, "batch-too-large");
    }

    [Fact]
    public async Task A_chunked_body_without_length_is_still_bounded()
    {
        var village = await api.OpenVillage();
        var stream = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"name\":\"" + new string('x', 100_000) + "\"}")));
        stream.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/villages/{village}/enrollments") { Content = stream };
        request.Headers.TransferEncodingChunked = true;
        await (await api.Http.SendAsync(request)).Problem(413, "payload-too-large");
    }

    [Theory]
    [InlineData("GET", "/api/villages/35.10.01.2001/program", 405)]
    [InlineData("POST", "/api/villages/35.10.01.2001", 405)]
    [InlineData("GET", "/api/villages/35.10.01.2001/enrollments/" + "%2e%2e%2f%2e%2e%2fetc%2fpasswd", 404)]
    [InlineData("GET", "/api/villages/%27%20OR%201%3D1--/enrollments", 400)]
    [InlineData("GET", "/api/villages/35.10.01.2001/enrollments?limit=99999999999999999999", 400)]
    [InlineData("GET", "/api/villages//enrollments", 404)]
    public async Task Path_and_query_junk_is_answered_with_a_problem(string method, string path, int status)
    {
        var response = await api.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
