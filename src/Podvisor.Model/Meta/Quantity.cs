using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podvisor.Model.Meta;

/// <summary>A resource quantity ("100m", "128Mi", "1"), kept in its canonical string form.</summary>
[JsonConverter(typeof(QuantityJsonConverter))]
public readonly record struct Quantity(string Value)
{
    public static implicit operator Quantity(string value) => new(value);

    public override string ToString() => Value;
}

internal sealed class QuantityJsonConverter : JsonConverter<Quantity>
{
    public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => new Quantity(reader.GetString()!),
            JsonTokenType.Number => new Quantity(reader.GetDecimal().ToString(CultureInfo.InvariantCulture)),
            _ => throw new JsonException($"quantities must be a string or a number, got {reader.TokenType}"),
        };

    public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
