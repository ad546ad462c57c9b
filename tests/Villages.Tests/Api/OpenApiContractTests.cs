using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Api;

/// <summary>The validating proxy catches drift in both directions, and leaves deliberate contract breakers' requests alone.</summary>
public sealed class OpenApiContractTests
{
    private const string Document = """
    {
      "openapi": "3.1.1",
      "paths": {
        "/api/things/{id}": {
          "get": {
            "operationId": "getThing",
            "security": [],
            "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                           { "name": "limit", "in": "query", "schema": { "type": "integer" } }],
            "responses": {
              "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
              "401": { "description": "A token was sent and is not valid", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
              "404": { "description": "Not Found", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
            }
          },
          "put": {
            "operationId": "putThing",
            "security": [{ "bearer": [] }],
            "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ThingRequest" } } } },
            "responses": {
              "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
              "400": { "description": "Bad Request", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
            }
          }
        },
        "/api/things/special": {
          "get": { "operationId": "getSpecial", "security": [], "responses": { "200": { "description": "OK" } } }
        }
      },
      "components": {
        "schemas": {
          "Thing": { "type": "object", "required": ["name"], "properties": { "name": { "type": "string" }, "at": { "type": ["string", "null"], "format": "date-time" } } },
          "ThingRequest": { "type": "object", "properties": { "name": { "type": ["string", "null"] } } },
          "Problem": { "type": "object", "required": ["code"], "properties": { "code": { "type": "string" } } }
        }
      }
    }
    """;

    private readonly OpenApiContract _contract = new(Document);

    [Fact]
    public void An_exchange_the_document_describes_passes()
    {
        Assert.Empty(Check(Get("/api/things/1?limit=5"), null, Json(200, """{"name":"a","at":null}""")));
        Assert.Empty(Check(Get("/api/things/1"), null, Json(404, """{"code":"not-found"}""", "application/problem+json")));
        Assert.Empty(Check(Put("/api/things/1", """{"name":"b"}""", token: true), """{"name":"b"}""", Json(200, """{"name":"b"}""")));
    }

    [Fact]
    public void The_most_literal_template_wins()
    {
        Assert.Equal("getSpecial", _contract.Find("GET", "/api/things/special")!.Id);
        Assert.Equal("getThing", _contract.Find("GET", "/api/things/other")!.Id);
    }

    [Fact]
    public void Responses_the_document_does_not_describe_are_drift()
    {
        Assert.Contains("status 409 is not documented", Single(Check(Get("/api/things/1"), null, Json(409, """{"code":"x"}""", "application/problem+json"))));
        Assert.Contains("does not list for this status", Single(Check(Get("/api/things/1"), null, Json(200, "a,b", "text/csv"))));
        Assert.Contains("/at", Single(Check(Get("/api/things/1"), null, Json(200, """{"name":"a","at":"yesterday"}"""))));
        Assert.Contains("/name", Single(Check(Get("/api/things/1"), null, Json(200, """{"name":7}"""))));
        Assert.Contains("extra", Single(Check(Get("/api/things/1"), null, Json(200, """{"name":"a","extra":1}"""))));
        Assert.Contains("no body", Single(Check(Get("/api/things/1"), null, new HttpResponseMessage(HttpStatusCode.NotFound))));
    }

    [Fact]
    public void Requests_the_api_accepted_must_be_ones_the_document_allows()
    {
        Assert.Contains("schema refuses", Single(Check(Put("/api/things/1", """{"name":5}""", token: true), """{"name":5}""", Json(200, """{"name":"b"}"""))));
        Assert.Contains("query parameter 'offset'", Single(Check(Get("/api/things/1?offset=2"), null, Json(200, """{"name":"a"}"""))));
        Assert.Contains("without a token", Single(Check(Put("/api/things/1", """{"name":"b"}""", token: false), """{"name":"b"}""", Json(200, """{"name":"b"}"""))));
        Assert.Contains("refused an anonymous caller", Single(Check(Get("/api/things/1"), null, Json(401, """{"code":"unauthenticated"}""", "application/problem+json"))));
        Assert.Contains("does not have", Single(Check(Get("/api/secret"), null, Json(200, "{}"))));
    }

    [Fact]
    public void A_refused_request_that_breaks_the_contract_on_purpose_is_not_held_against_the_document()
    {
        Assert.Empty(Check(Put("/api/things/1", """{"name":5}""", token: true), """{"name":5}""", Json(400, """{"code":"malformed-request"}""", "application/problem+json")));
        Assert.Empty(Check(Get("/api/things/1?junk=1"), null, Json(404, """{"code":"not-found"}""", "application/problem+json")));
        Assert.Empty(Check(Get("/nowhere"), null, new HttpResponseMessage(HttpStatusCode.NotFound)));
        var kestrel = new HttpResponseMessage(HttpStatusCode.RequestUriTooLong);
        kestrel.Headers.ConnectionClose = true;
        Assert.Empty(Check(Get("/api/things/1"), null, kestrel));
    }

    private IReadOnlyList<string> Check(HttpRequestMessage request, string? requestJson, HttpResponseMessage response) =>
        _contract.Check(request, requestJson, response, OpenApiContract.IsJson(response.Content.Headers.ContentType) ? response.Content.ReadAsStringAsync().Result : null);

    private static string Single(IReadOnlyList<string> problems) => Assert.Single(problems);

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, new Uri(new Uri("http://127.0.0.1:1"), path));

    private static HttpRequestMessage Put(string path, string json, bool token)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri(new Uri("http://127.0.0.1:1"), path)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "t");
        return request;
    }

    private static HttpResponseMessage Json(int status, string body, string mediaType = "application/json") =>
        new((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
}
