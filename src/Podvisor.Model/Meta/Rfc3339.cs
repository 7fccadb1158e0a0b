using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podvisor.Model.Meta;

/// <summary>meta/v1 Time: RFC 3339 in UTC with second precision, e.g. "2026-01-01T00:00:00Z".</summary>
public sealed class Rfc3339JsonConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var s = reader.GetString();
        if (s is null || !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            throw new JsonException($"invalid RFC 3339 time \"{s}\"");
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}

/// <summary>meta/v1 MicroTime: RFC 3339 with microseconds, e.g. "2026-01-01T00:00:00.000000Z".</summary>
public sealed class MicroTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new Rfc3339JsonConverter().Read(ref reader, typeToConvert, options);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}
