using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Villages.WebApi.Http;

/// <summary>
/// Reads request bodies ourselves instead of through parameter binding, so every way a body can be
/// wrong (wrong content type, too big, not JSON, wrong types) gets a specific problem, and no
/// message ever quotes the body back.
/// </summary>
public static class RequestBody
{
    public readonly record struct Read<T>(T? Value, IResult? Problem);

    public static async Task<Read<T>> JsonAsync<T>(HttpContext context)
    {
        var maximumBytes = BodyLimits.Of(context);
        if (!context.Request.HasJsonContentType())
        {
            return new(default, Problems.Result(ProblemType.UnsupportedMediaType, "Send the body as application/json.", context));
        }
        if (Limit(context, maximumBytes) is { } tooLarge) return new(default, tooLarge);
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, options, context.RequestAborted);
            return value is null
                ? new(default, Problems.Result(ProblemType.MalformedRequest, "The request body is empty or null.", context))
                : new(value, null);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 0 } path ? $" at {path}" : "";
            var line = ex.LineNumber is { } l ? $" (line {l + 1}, byte {ex.BytePositionInLine + 1})" : "";
            return new(default, Problems.Result(ProblemType.MalformedRequest, $"The body is not valid JSON for this request{where}{line}: check the syntax and the value types.", context));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(default, TooLarge(context, maximumBytes));
        }
    }

    /// <summary>One object or an array of them (a request that may name several at once).</summary>
    public static async Task<Read<T[]>> JsonOneOrManyAsync<T>(HttpContext context)
    {
        var body = await JsonAsync<JsonElement>(context);
        if (body.Problem is not null) return new(null, body.Problem);
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var many = body.Value.ValueKind == JsonValueKind.Array
                ? body.Value.Deserialize<T[]>(options)
                : body.Value.ValueKind == JsonValueKind.Object ? [body.Value.Deserialize<T>(options)!] : null;
            if (many is null || many.Length == 0 || many.Any(static m => m is null))
            {
                return new(null, Problems.Result(ProblemType.MalformedRequest, "Send one object, or an array of at least one.", context));
            }
            return new(many, null);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 0 } path ? $" at {path}" : "";
            return new(null, Problems.Result(ProblemType.MalformedRequest, $"The body is not valid JSON for this request{where}: check the value types.", context));
        }
    }

    /// <summary>A body that may be left out: no body (or an empty one) is <paramref name="absent"/>.</summary>
    public static Task<Read<T>> OptionalJsonAsync<T>(HttpContext context, T absent) =>
        context.Request.ContentLength == 0 || (context.Request.ContentLength is null && context.Request.ContentType is null)
            ? Task.FromResult(new Read<T>(absent, null))
            : JsonAsync<T>(context);

    /// <summary>Applies the endpoint's body limit; answers 413 at once when Content-Length already says too much.</summary>
    public static IResult? Limit(HttpContext context) => Limit(context, BodyLimits.Of(context));

    private static IResult? Limit(HttpContext context, long maximumBytes)
    {
        if (context.Request.ContentLength > maximumBytes) return TooLarge(context, maximumBytes);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maximumBytes;
        }
        return null;
    }

    public static IResult TooLarge(HttpContext context) => TooLarge(context, BodyLimits.Of(context));

    private static IResult TooLarge(HttpContext context, long maximumBytes) =>
        Problems.Result(ProblemType.PayloadTooLarge, $"This endpoint accepts bodies up to {maximumBytes:N0} bytes.", context);
}
