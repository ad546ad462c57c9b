using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Villages.WebApi.Security;

namespace Villages.WebApi.Http;

/// <summary>
/// The OpenAPI document at /openapi/v1.json, the contract that clients are generated from. What the
/// endpoints declare (name, summary, body, responses, <see cref="AccessFilter"/> metadata) is
/// completed here with what holds for every endpoint: the bearer scheme and who needs it, the
/// problems that any request can meet (401, 403, 429), path parameters that a target binds itself,
/// and schemas as the JSON really is. docs/openapi/v1.json is its committed snapshot; a test keeps
/// the two equal and another replays the API tests against it.
/// </summary>
public static partial class OpenApiSetup
{
    public const string BearerScheme = "bearer";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Villages", "A village, its programme and its enrolments (the NIK only in bodies, masked in answers), their audit trail and the BPJS collective exports."),
        ("Imports", "Regency-wide CSV imports: a job to start, watch and read a per-row report of."),
        ("Renewals", "A regency's or district's renewal into a budget year: a job to start, watch and read a per-worker report of."),
        ("Coverage", "Whether a worker is covered on a date, for BPJS branches and officers, each question audited."),
        ("Reconciliation", "A BPJS branch's result file matched back to a regency's enrolments: KPJ numbers, confirmations, refusals, workers unknown to the ledger."),
        ("Money", "A programme's contributions to BPJS month by month: dues and due dates, payments, arrears, reinstatements."),
        ("Agents", "The PERISAI agents' registry: an agent's code, name, region and status; enrolments may name only an active agent of the village's region."),
        ("Progress", "Live figures of the nation, a province, regency or district and of each child region, answered from memory, also as Server-Sent Events."),
        ("Dashboard", "What the monitoring page asks first."),
        ("Development", "The local token issuer, mapped only in the Development environment."),
    ];

    public static IServiceCollection AddVillagesOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            // Orleans' dashboard is its own application under /dashboard, not part of this API.
            options.ShouldInclude = description => description.RelativePath is not { } path
                || !("/" + path).StartsWith(AdminDashboard.Path, StringComparison.Ordinal);
            options.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                Complete(operation, context);
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                Shape(schema, context);
                return Task.CompletedTask;
            });
        });

    /// <summary>Documents a query parameter that the handler reads itself (not from its signature).</summary>
    public static RouteHandlerBuilder WithQueryParameter(this RouteHandlerBuilder endpoint, string name, string description, string? example = null) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Description = description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = example is null ? null : JsonValue.Create(example),
            });
            return Task.CompletedTask;
        });

    /// <summary>A JSON array body whose items may be null: each is answered on its own (a null row is refused alone).</summary>
    public static RouteHandlerBuilder WithNullableArrayItems(this RouteHandlerBuilder endpoint) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true && media.Schema is OpenApiSchema { Items: { } items } array)
            {
                array.Items = new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, items] };
            }
            return Task.CompletedTask;
        });

    /// <summary>A JSON body that is one object or an array of them (the handler reads either).</summary>
    public static RouteHandlerBuilder WithOneOrManyBody(this RouteHandlerBuilder endpoint) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true && media.Schema is { } one)
            {
                media.Schema = new OpenApiSchema { OneOf = [one, new OpenApiSchema { Type = JsonSchemaType.Array, Items = one, MinItems = 1 }] };
            }
            return Task.CompletedTask;
        });

    /// <summary>A body that may be left out (the handler then reads its default).</summary>
    public static RouteHandlerBuilder WithOptionalBody(this RouteHandlerBuilder endpoint) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.RequestBody is OpenApiRequestBody body) body.Required = false;
            return Task.CompletedTask;
        });

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Villages API",
            Version = "v1",
            Description = "The live national ledger of the \"1 Desa 100 Pekerja Rentan\" campaign: each village's programme, "
                + "its enrolments of vulnerable informal workers in BPJS Ketenagakerjaan and its budget, and the progress of every region.\n\n"
                + "JSON in camelCase, money in whole rupiah, times in ISO 8601 UTC, enumerations in kebab-case. A NIK travels only in "
                + "request bodies and is masked in answers. Every error is an RFC 9457 `application/problem+json` with a stable `type` "
                + "(`/problems/<code>`) and the same `code`. Reads of aggregated figures are public; everything else needs a bearer "
                + "token (JWT) from the campaign's identity provider, and a token that is sent must be valid, wherever it is sent.",
        };
        // Relative: the document describes the server it is served from, whatever its address.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The server that serves this document." }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT from the campaign's OpenID Connect provider (in Development, from POST /dev/tokens), carrying "
                + "`sub`, one or more `role`s, the `region` codes the caller acts on and, for a PERISAI agent, its `agent_id`.",
        };
        var used = document.Tags?.Select(static t => t.Name).ToHashSet() ?? [];
        document.Tags = new HashSet<OpenApiTag>(Tags.Where(t => used.Contains(t.Name)).Select(static t => new OpenApiTag { Name = t.Name, Description = t.Description }));
        MakeNullableRequestMembersOptional(document);
    }

    /// <summary>
    /// The API reads a missing member of a request body as null, so a nullable member is optional
    /// (a positional record's parameters would otherwise all be listed as required).
    /// </summary>
    private static void MakeNullableRequestMembersOptional(OpenApiDocument document)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null) return;
        var requests = new HashSet<string>();
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(static p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
            {
                CollectReferences(media.Schema, requests);
            }
        }
        foreach (var name in requests)
        {
            if (!schemas.TryGetValue(name, out var found) || found is not OpenApiSchema { Required: { } required, Properties: { } properties }) continue;
            foreach (var member in required.Where(member => properties.TryGetValue(member, out var property) && IsNullable(property)).ToList()) required.Remove(member);
        }
    }

    private static void CollectReferences(IOpenApiSchema? schema, HashSet<string> names)
    {
        switch (schema)
        {
            case OpenApiSchemaReference { Reference.Id: { } id }:
                names.Add(id);
                break;
            case OpenApiSchema inline:
                CollectReferences(inline.Items, names);
                foreach (var member in (inline.Properties?.Values ?? []).Concat(inline.OneOf ?? []).Concat(inline.AnyOf ?? [])) CollectReferences(member, names);
                break;
        }
    }

    private static bool IsNullable(IOpenApiSchema schema) =>
        (schema.Type is { } type && type.HasFlag(JsonSchemaType.Null))
        || (schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Any(static s => s.Type == JsonSchemaType.Null);

    private static void Complete(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = new EndpointMetadataCollection(context.Description.ActionDescriptor.EndpointMetadata);
        var path = context.Description.RelativePath ?? "";
        AddPathParameters(operation, path);
        DescribeQueryParameters(operation);
        // A CSV body is text with a header row, whatever type the endpoint declared for its JSON twin.
        if (operation.RequestBody?.Content?.TryGetValue("text/csv", out var csv) == true)
        {
            csv.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "CSV (comma, semicolon or tab separated) with a header row; Indonesian headers are accepted." };
        }
        operation.Responses ??= [];
        var problem = context.Document is { } document ? new OpenApiSchemaReference(nameof(Microsoft.AspNetCore.Mvc.ProblemDetails), document) : null;
        if (AccessFilter.NeedsToken(metadata))
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            AddProblem(operation, problem, 401, "No bearer token, or one that is expired, forged or not for this API.", Header("WWW-Authenticate", "Bearer, with error=\"invalid_token\" for a token that is not valid."));
            AddProblem(operation, problem, 403, "The token's role or region does not allow this.");
        }
        else
        {
            // Public: no token needed. One that is sent all the same must be valid.
            operation.Security = [];
            AddProblem(operation, problem, 401, "A bearer token was sent and is expired, forged or not for this API (this operation needs none).", Header("WWW-Authenticate", "Bearer error=\"invalid_token\"."));
        }
        var running = metadata.GetMetadata<RunningLimit>();
        AddProblem(operation, problem, 429, "Too many requests from this client (token subject, or address when anonymous)"
            + (running is null ? "." : $", or too many {running.What} (Villages:Limits)."), new("Retry-After", RetryAfter()));
        if (metadata.GetMetadata<BodyLimit>() is { } limit) DescribeBodyLimit(operation, limit);
        if (operation.Responses.TryGetValue("503", out var unavailable) && unavailable is OpenApiResponse outage)
        {
            outage.Description = "The cluster or the database is briefly unreachable; nothing was lost. Retry the same request.";
            outage.Headers ??= new Dictionary<string, IOpenApiHeader>();
            outage.Headers["Retry-After"] = RetryAfter();
        }
        foreach (var (status, response) in operation.Responses)
        {
            if (status is "201" or "202" && response is OpenApiResponse created)
            {
                created.Headers ??= new Dictionary<string, IOpenApiHeader>();
                created.Headers["Location"] = Header("Location", status == "201" ? "The URL of what was created." : "The URL to follow the job at.").Value;
            }
        }
        operation.Responses = Sorted(operation.Responses);
    }

    /// <summary>The largest body the endpoint reads, on its request body (x-maximum-bytes) and its 413.</summary>
    private static void DescribeBodyLimit(OpenApiOperation operation, BodyLimit limit)
    {
        if (operation.RequestBody is OpenApiRequestBody body)
        {
            body.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            body.Extensions[BodyLimit.OpenApiExtension] = new JsonNodeExtension(JsonValue.Create(limit.Bytes));
        }
        if (operation.Responses!.TryGetValue("413", out var found) && found is OpenApiResponse tooLarge)
        {
            var rows = operation.RequestBody?.Content?.ContainsKey("text/csv") == true ? ", or holds more rows than it takes (batch-too-large)" : "";
            tooLarge.Description = $"The body is larger than the {limit.Bytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes this operation reads{rows}.";
        }
    }

    /// <summary>Parameters a target binds from the route itself (<see cref="VillageTarget"/>, <see cref="RegionTarget"/>) are not seen by the API explorer.</summary>
    private static void AddPathParameters(OpenApiOperation operation, string path)
    {
        operation.Parameters ??= [];
        var position = 0;
        foreach (Match match in RouteParameter().Matches(path))
        {
            var name = match.Groups[1].Value;
            var existing = operation.Parameters.FirstOrDefault(p => p.Name == name && p.In == ParameterLocation.Path);
            var description = PathParameterDescription(path, name);
            if (existing is null)
            {
                operation.Parameters.Insert(position, new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Path,
                    Required = true,
                    Description = description.Text,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Example = JsonValue.Create(description.Example),
                });
            }
            else if (existing is OpenApiParameter parameter)
            {
                parameter.Description ??= description.Text;
                parameter.Example ??= JsonValue.Create(description.Example);
            }
            position++;
        }
    }

    private static (string Text, string Example) PathParameterDescription(string path, string name) => name switch
    {
        "code" when path.StartsWith("api/regions/", StringComparison.Ordinal) => ("A district (PP.RR.DD) or regency (PP.RR) code of the Kepmendagri reference data.", "35.10"),
        "code" when path.StartsWith("api/agents/", StringComparison.Ordinal) => ("The PERISAI agent's code: 1 to 40 letters, digits, '.', '_' or '-' (case-sensitive).", "PRS-3510-001"),
        "code" => ("The village's code, PP.RR.DD.VVVV, of the Kepmendagri reference data.", "35.10.01.2001"),
        "region" => ("ID (the nation), a province (PP), regency (PP.RR) or district (PP.RR.DD).", "35.10"),
        "enrollmentId" => ("The enrolment's opaque id: 24 characters a-z and 2-7, stable for a village and a NIK, from which the NIK cannot be recovered.", "k3j7x2aqmv5ct7blwe5ryg4d"),
        "id" => ("The import job's id, as its Location named it.", "3f2b6c1e-8d4a-4b7e-9c1f-0a5d2e6b7c8d"),
        _ => ($"The {name}.", name),
    };

    /// <summary>Paging and flags arrive as text and are checked by the handlers; the document says what they accept.</summary>
    private static void DescribeQueryParameters(OpenApiOperation operation)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(static p => p.In == ParameterLocation.Query))
        {
            switch (parameter.Name)
            {
                case "offset":
                    parameter.Description ??= "How many items to skip (from 0).";
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Default = JsonValue.Create(0) };
                    break;
                case "limit":
                    parameter.Description ??= $"How many items at most (1 to {Paging.MaximumLimit}).";
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = Paging.MaximumLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), Default = JsonValue.Create(Paging.DefaultLimit) };
                    break;
                case "notStarted":
                    parameter.Description ??= "true: the villages without a programme instead of those furthest behind their target.";
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Boolean, Default = JsonValue.Create(false) };
                    break;
            }
        }
    }

    private static void AddProblem(OpenApiOperation operation, OpenApiSchemaReference? problem, int status, string description, KeyValuePair<string, IOpenApiHeader>? header = null)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.Responses!.TryGetValue(key, out var existing) || existing is not OpenApiResponse response)
        {
            response = new OpenApiResponse();
            operation.Responses[key] = response;
        }
        response.Description = description;
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        if (problem is not null && !response.Content.ContainsKey(Problems.ContentType))
        {
            response.Content[Problems.ContentType] = new OpenApiMediaType { Schema = problem };
        }
        if (header is { } named)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[named.Key] = named.Value;
        }
    }

    private static KeyValuePair<string, IOpenApiHeader> Header(string name, string description) =>
        new(name, new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });

    private static OpenApiHeader RetryAfter() => new()
    {
        Description = "Seconds to wait before retrying.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
    };

    private static OpenApiResponses Sorted(OpenApiResponses responses)
    {
        var sorted = new OpenApiResponses();
        foreach (var (status, response) in responses.OrderBy(static r => r.Key, StringComparer.Ordinal)) sorted[status] = response;
        return sorted;
    }

    private static void Shape(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        var type = context.JsonTypeInfo.Type;
        // Instants go through the API's own converter, which hides their type from the schema exporter.
        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(DateTimeOffset) || (Nullable.GetUnderlyingType(type) ?? type) == typeof(DateTime))
        {
            schema.Type = Nullable.GetUnderlyingType(type) is null ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = "date-time";
        }
        if (type == typeof(Microsoft.AspNetCore.Mvc.ProblemDetails) && context.JsonPropertyInfo is null) DescribeProblem(schema);
    }

    /// <summary>The problem details this API writes (<see cref="Problems"/>): RFC 9457's members and ours.</summary>
    private static void DescribeProblem(OpenApiSchema schema)
    {
        schema.Description = "An RFC 9457 problem: `type` is `/problems/<code>`, a page that says what the problem means; `detail` says what to fix.";
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "`/problems/<code>`.", Examples = [JsonValue.Create("/problems/budget-exceeded")] };
        schema.Properties["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The same for every problem of this type." };
        schema.Properties["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." };
        schema.Properties["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong with this request and what to fix. Never contains a NIK." };
        schema.Properties["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's path." };
        schema.Properties["code"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "The stable, machine-readable code (the last segment of `type`).",
            Enum = [.. ProblemType.All.Select(static t => (JsonNode)JsonValue.Create(t.Code))],
        };
        schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "The request's trace (W3C traceparent id), for support." };
        schema.Properties["field"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request member at fault, where there is one." };
        schema.Properties["remaining"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "Budget refusals: rupiah left in the budget." };
        schema.Properties["needed"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "Budget refusals: rupiah the request needs." };
        schema.Properties["otherVillage"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "enrolled-elsewhere: the code of the village that holds the worker." };
        schema.Required = new HashSet<string> { "type", "title", "status", "detail", "code" };
    }

    [GeneratedRegex(@"\{([^}:?=*]+)")]
    private static partial Regex RouteParameter();
}
