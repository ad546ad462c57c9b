using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Villages.Tests.Infrastructure;

/// <summary>
/// The OpenAPI document a running service serves, used as a validating proxy would use it: every
/// exchange of a test's HttpClient is checked against the operation it reaches (method and path
/// template). The document must describe what the API does, in both directions:
/// <list type="bullet">
/// <item>the response's status is listed for the operation, with the content type it came with, and its
/// JSON body (problem details included) matches the schema; objects are closed for the check, so a
/// member the API sends and the document does not name is drift too;</item>
/// <item>a request the API accepted (2xx) is one the document allows: its JSON body matches the request
/// schema, its content type and query parameters are listed, and it needed no token if the document
/// says it does;</item>
/// <item>a public operation does not refuse an anonymous caller, and no 2xx comes from an /api path the
/// document does not have.</item>
/// </list>
/// Requests that break the contract on purpose (the hostile and bad-input tests) get a 4xx: only their
/// responses are checked; a bodiless 4xx with which Kestrel closes the connection before any endpoint
/// runs (400 for a NUL in the path, 414 for a huge query) is HTTP's, not an operation's, and is not. When the two disagree, fix the document (the endpoint's metadata in
/// WebApi/Endpoints, or WebApi/Http/OpenApiSetup.cs), not the test.
/// </summary>
public sealed class OpenApiContract
{
    private const string Draft202012 = "https://json-schema.org/draft/2020-12/schema";
    private static readonly EvaluationOptions Quick = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };
    private static readonly EvaluationOptions Detailed = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>Hosts that serve the same document share its operations and compiled schemas.</summary>
    private static readonly ConcurrentDictionary<string, Compiled> Documents = new();

    private readonly Compiled _compiled;
    private readonly ConcurrentQueue<string> _violations = new();

    public OpenApiContract(string document) => _compiled = Documents.GetOrAdd(document, static text => new Compiled(text));

    /// <summary>Every violation seen, for a host to assert on when it stops (a test may have swallowed the exception).</summary>
    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>The operation a request reaches: the path template with the most literal segments wins (/stream over /{region}).</summary>
    public Operation? Find(string method, string path) =>
        _compiled.Operations.Where(o => o.Method == method && o.Pattern.IsMatch(path)).MaxBy(static o => o.Literals);

    /// <summary>Checks one exchange; returns what disagrees with the document (and remembers it).</summary>
    public IReadOnlyList<string> Check(HttpRequestMessage request, string? requestJson, HttpResponseMessage response, string? responseJson)
    {
        var problems = new List<string>();
        var status = (int)response.StatusCode;
        var success = status is >= 200 and < 300;
        var path = request.RequestUri!.AbsolutePath;
        var operation = Find(request.Method.Method, path);
        var where = $"{request.Method} {path} -> {status}";
        if (operation is null)
        {
            if (success && (path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/dev/", StringComparison.Ordinal)))
            {
                problems.Add($"{where}: the API served an operation the document does not have.");
            }
            return Remember(problems);
        }
        where = $"{where} ({operation.Id})";
        if (status is >= 400 and < 500 && response.Content.Headers.ContentType is null && response.Headers.ConnectionClose == true)
        {
            return problems; // Kestrel refused the request itself (a NUL in the path, a 5,000-character query...): no operation ran.
        }
        CheckSecurity(operation, request, status, where, problems);
        CheckResponse(operation, response, status, responseJson, where, problems);
        if (success) CheckAcceptedRequest(operation, request, requestJson, where, problems);
        return Remember(problems);
    }

    private static void CheckSecurity(Operation operation, HttpRequestMessage request, int status, string where, List<string> problems)
    {
        var needsToken = operation.Node["security"] is JsonArray { Count: > 0 } requirements && requirements.All(static r => r is JsonObject { Count: > 0 });
        var anonymous = request.Headers.Authorization is null;
        if (needsToken && anonymous && status is >= 200 and < 300)
        {
            problems.Add($"{where}: served without a token, but the document requires a bearer token.");
        }
        if (!needsToken && anonymous && status is 401 or 403)
        {
            problems.Add($"{where}: refused an anonymous caller, but the document lists no security requirement.");
        }
    }

    private void CheckResponse(Operation operation, HttpResponseMessage response, int status, string? json, string where, List<string> problems)
    {
        var documented = operation.Node["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (documented is null)
        {
            var listed = string.Join(", ", operation.Node["responses"]!.AsObject().Select(static r => r.Key));
            problems.Add($"{where}: status {status} is not documented (documented: {listed}).{Excerpt(json)}");
            return;
        }
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var contents = documented["content"] as JsonObject;
        if (mediaType is null)
        {
            if (contents is { Count: > 0 } && status != 204 && status != 304)
            {
                problems.Add($"{where}: no body, but the document gives this status a body ({string.Join(", ", contents.Select(static c => c.Key))}).");
            }
            return;
        }
        if (contents?[mediaType] is not JsonObject media)
        {
            var listed = contents is null ? "none" : string.Join(", ", contents.Select(static c => c.Key));
            problems.Add($"{where}: answered {mediaType}, which the document does not list for this status (listed: {listed}).");
            return;
        }
        if (json is not null && media["schema"] is { } schema)
        {
            Validate($"{operation.Id} {status} {mediaType}", schema, json, $"{where}: the {mediaType} body", problems);
        }
    }

    private void CheckAcceptedRequest(Operation operation, HttpRequestMessage request, string? json, string where, List<string> problems)
    {
        var query = request.RequestUri!.Query.TrimStart('?');
        if (query.Length > 0)
        {
            var documented = (operation.Node["parameters"] as JsonArray ?? [])
                .Where(static p => p?["in"]?.GetValue<string>() == "query").Select(static p => p!["name"]!.GetValue<string>()).ToHashSet();
            foreach (var name in query.Split('&').Select(static p => Uri.UnescapeDataString(p.Split('=')[0])).Where(static n => n.Length > 0).Distinct())
            {
                if (!documented.Contains(name)) problems.Add($"{where}: the API accepted query parameter '{name}', which the document does not list.");
            }
        }
        var mediaType = request.Content?.Headers.ContentType?.MediaType;
        if (mediaType is null) return;
        if (operation.Node["requestBody"]?["content"] is not JsonObject contents)
        {
            problems.Add($"{where}: the API accepted a {mediaType} body, but the document describes no request body.");
            return;
        }
        if (contents[mediaType] is not JsonObject media)
        {
            problems.Add($"{where}: the API accepted a {mediaType} body; the document lists {string.Join(", ", contents.Select(static c => c.Key))}.");
            return;
        }
        if (json is not null && media["schema"] is { } schema)
        {
            Validate($"{operation.Id} request {mediaType}", schema, json, $"{where}: the API accepted a request body that the document's schema refuses", problems);
        }
    }

    private void Validate(string key, JsonNode schema, string json, string what, List<string> problems)
    {
        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException ex)
        {
            problems.Add($"{what} is not JSON: {ex.Message}");
            return;
        }
        var compiled = _compiled.SchemaFor(key, schema);
        if (compiled.Evaluate(instance, Quick).IsValid) return;
        var results = compiled.Evaluate(instance, Detailed);
        var errors = (results.Details ?? []).Where(static d => d.Errors is { Count: > 0 })
            .SelectMany(static d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value}"))
            .Distinct().Take(8);
        problems.Add($"{what} does not match its schema:\n    {string.Join("\n    ", errors)}{Excerpt(json)}");
    }

    /// <summary>A document's operations, and its schemas as JSON Schema 2020-12 (OpenAPI 3.1's dialect), built once.</summary>
    private sealed class Compiled
    {
        private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();
        private readonly SchemaRegistry _registry = new();
        private readonly Lock _building = new();
        private readonly string _components;

        public Compiled(string document)
        {
            var root = JsonNode.Parse(document)!.AsObject();
            foreach (var (template, item) in root["paths"]!.AsObject())
            {
                foreach (var (method, operation) in item!.AsObject())
                {
                    if (operation is not JsonObject node || node["responses"] is null) continue;
                    var segments = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
                    var pattern = "^/" + string.Join('/', segments.Select(static s => s.StartsWith('{') ? "[^/]+" : Regex.Escape(s))) + "/?$";
                    Operations.Add(new Operation(method.ToUpperInvariant(), template, new Regex(pattern, RegexOptions.CultureInvariant),
                        segments.Count(static s => !s.StartsWith('{')), node, node["operationId"]?.GetValue<string>() ?? $"{method} {template}"));
                }
            }
            // The components once, as a schema resource of their own that every operation's schema refers to.
            _components = $"https://contract.test/{Guid.NewGuid():N}/components";
            var components = new JsonObject
            {
                ["$schema"] = Draft202012,
                ["$id"] = _components,
                ["$defs"] = Prepare(root["components"]?["schemas"]?.DeepClone() ?? new JsonObject(), _components),
            };
            JsonSchema.Build(JsonSerializer.SerializeToElement(components), new BuildOptions { SchemaRegistry = _registry }, new Uri(_components));
        }

        public List<Operation> Operations { get; } = [];

        public JsonSchema SchemaFor(string key, JsonNode schema) => _schemas.GetOrAdd(key, _ =>
        {
            var root = new JsonObject { ["$schema"] = Draft202012, ["allOf"] = new JsonArray(Prepare(schema.DeepClone(), _components)) };
            lock (_building)
            {
                return JsonSchema.Build(JsonSerializer.SerializeToElement(root), new BuildOptions { SchemaRegistry = _registry }, new Uri($"https://contract.test/{Guid.NewGuid():N}"));
            }
        });
    }

    /// <summary>
    /// Points component references at the components' resource, and closes every object that lists its members (the
    /// document leaves them open, so that clients tolerate members added later; the API itself must not send unnamed ones).
    /// </summary>
    private static JsonNode Prepare(JsonNode node, string components)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (name == "$ref" && value?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    {
                        obj["$ref"] = components + "#/$defs/" + reference["#/components/schemas/".Length..];
                    }
                    else if (value is not null)
                    {
                        Prepare(value, components);
                    }
                }
                if (obj.ContainsKey("properties") && !obj.ContainsKey("additionalProperties") && !obj.ContainsKey("allOf")
                    && !obj.ContainsKey("anyOf") && !obj.ContainsKey("oneOf"))
                {
                    obj["additionalProperties"] = false;
                }
                break;
            case JsonArray array:
                foreach (var item in array) if (item is not null) Prepare(item, components);
                break;
        }
        return node;
    }

    private List<string> Remember(List<string> problems)
    {
        foreach (var problem in problems) _violations.Enqueue(problem);
        return problems;
    }

    private static string Excerpt(string? json) => json is null ? "" : $"\n    body: {(json.Length > 600 ? json[..600] + "..." : json)}";

    public sealed record Operation(string Method, string Template, Regex Pattern, int Literals, JsonObject Node, string Id);

    /// <summary>Whether a body is JSON (application/json, application/problem+json, ...+json).</summary>
    public static bool IsJson(MediaTypeHeaderValue? type) =>
        type?.MediaType is { } media && (media == "application/json" || media.EndsWith("+json", StringComparison.Ordinal));
}

/// <summary>Thrown at the call that disagreed with the OpenAPI document.</summary>
public sealed class OpenApiContractException(IReadOnlyList<string> violations) : Exception(
    "The API and its OpenAPI document (/openapi/v1.json) disagree. Fix the document (endpoint metadata in WebApi/Endpoints, "
    + "WebApi/Http/OpenApiSetup.cs) or the API, then refresh docs/openapi/v1.json with scripts/openapi:\n  - "
    + string.Join("\n  - ", violations));

/// <summary>
/// The validating proxy, in process: installed in every HttpClient that <see cref="ApiHost"/> hands
/// out, it checks each exchange with <see cref="OpenApiContract"/> and throws at the call that
/// disagrees with the document.
/// </summary>
public sealed class ContractCheckingHandler(OpenApiContract contract) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? requestJson = null;
        if (request.Content is { } content && OpenApiContract.IsJson(content.Headers.ContentType))
        {
            await content.LoadIntoBufferAsync(cancellationToken);
            requestJson = await content.ReadAsStringAsync(cancellationToken);
        }
        var response = await base.SendAsync(request, cancellationToken);
        string? responseJson = null;
        if (OpenApiContract.IsJson(response.Content.Headers.ContentType))
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            responseJson = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        var violations = contract.Check(request, requestJson, response, responseJson);
        if (violations.Count > 0)
        {
            response.Dispose();
            throw new OpenApiContractException(violations);
        }
        return response;
    }
}
