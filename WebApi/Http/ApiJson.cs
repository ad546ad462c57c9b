using System.Text.Json;
using System.Text.Json.Serialization;

namespace Villages.WebApi.Http;

/// <summary>The API's JSON (API.md): camelCase, whole numbers that are numbers, kebab-case words, times in UTC.</summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        // Amounts are numbers: "1000000" in quotes is a wrong type, not a number.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.Converters.Add(new UtcTimeConverter());
    }

    /// <summary>Instants as ISO 8601 UTC ("2026-11-25T03:00:00Z"), whatever offset they were kept in.</summary>
    private sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value.UtcDateTime);
    }
}
