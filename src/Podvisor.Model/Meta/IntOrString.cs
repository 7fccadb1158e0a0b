using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podvisor.Model.Meta;

/// <summary>Kubernetes' int-or-string (ports, maxSurge): serialised as a JSON number or a JSON string.</summary>
[JsonConverter(typeof(IntOrStringJsonConverter))]
public readonly record struct IntOrString
{
    private IntOrString(int? intValue, string? stringValue)
    {
        IntValue = intValue;
        StringValue = stringValue;
    }

    public int? IntValue { get; }

    public string? StringValue { get; }

    public bool IsInt => IntValue is not null;

    public static IntOrString FromInt(int value) => new(value, null);

    public static IntOrString FromString(string value) => new(null, value);

    public static implicit operator IntOrString(int value) => FromInt(value);

    public static implicit operator IntOrString(string value) => FromString(value);

    /// <summary>A percentage ("25%") applied to a total, rounding up or down; an int is returned as is.</summary>
    public int ScaledValue(int total, bool roundUp)
    {
        if (IntValue is { } i)
        {
            return i;
        }

        var s = StringValue ?? "0";
        if (!s.EndsWith('%') || !int.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
        {
            throw new FormatException($"invalid value for IntOrString: invalid type: string is not a percentage");
        }

        var scaled = percent * (double)total / 100.0;
        return (int)(roundUp ? Math.Ceiling(scaled) : Math.Floor(scaled));
    }

    public override string ToString() => IntValue?.ToString(CultureInfo.InvariantCulture) ?? StringValue ?? "";
}

internal sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt32(out var i) => IntOrString.FromInt(i),
            JsonTokenType.String => IntOrString.FromString(reader.GetString()!),
            _ => throw new JsonException($"expected an integer or a string, got {reader.TokenType}"),
        };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.IntValue is { } i)
        {
            writer.WriteNumberValue(i);
        }
        else
        {
            writer.WriteStringValue(value.StringValue);
        }
    }
}
