using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Podvisor.Model.Serialization;

/// <summary>
/// Types YAML scalars the way Kubernetes' YAML-to-JSON conversion does for plain (unquoted) scalars;
/// quoted and block scalars are always strings.
/// <list type="bullet">
/// <item>null: empty, "~", "null", "Null", "NULL".</item>
/// <item>bool: "true"/"false" in the three spellings of the YAML 1.2 core schema. YAML 1.1's yes/no/on/off stay
/// strings (Kubernetes' YAML 1.1 parser would make them booleans, a well-known surprise).</item>
/// <item>int: decimal, 0x hex, 0o and 0b, "_" separators, and a leading 0 as octal ("0644" is 420), as
/// Kubernetes reads file modes. An integer beyond 64 bits stays a JSON number with all its digits.</item>
/// <item>float: [-+]?(.d+|d+(.d*)?)([eE][-+]?d+)?; ".inf" and ".nan" have no JSON form and stay strings.</item>
/// <item>everything else, including timestamps: string.</item>
/// </list>
/// Explicit tags: !!str forces a string; !!int, !!float, !!bool and !!null type even a quoted scalar.
/// </summary>
internal static class YamlScalars
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    public static JsonNode? Resolve(Scalar scalar)
    {
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is not null && tag.StartsWith(TagPrefix, StringComparison.Ordinal))
        {
            return ResolveTagged(scalar, tag[TagPrefix.Length..]);
        }

        return scalar.Style is ScalarStyle.Plain or ScalarStyle.Any ? ResolvePlain(scalar.Value) : JsonValue.Create(scalar.Value);
    }

    /// <summary>A mapping key as JSON needs it: a string, with typed plain keys written canonically.</summary>
    public static string ToKey(Scalar scalar)
    {
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return scalar.Value;
        }

        return ResolvePlain(scalar.Value) switch
        {
            null => "null",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => scalar.Value,
            JsonValue v => v.ToJsonString(),
            _ => scalar.Value,
        };
    }

    public static JsonNode? ResolvePlain(string s)
    {
        if (s.Length == 0)
        {
            return null;
        }

        switch (s)
        {
            case "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        var c = s[0];
        if (c is (< '0' or > '9') and not '-' and not '+' and not '.')
        {
            return JsonValue.Create(s);
        }

        return TryNumber(s) ?? JsonValue.Create(s);
    }

    private static JsonNode? ResolveTagged(Scalar scalar, string tag)
    {
        var value = scalar.Value;
        JsonNode? node = tag switch
        {
            "str" or "binary" or "timestamp" => JsonValue.Create(value),
            "null" => null,
            "bool" or "int" or "float" => ResolvePlain(value),
            _ => scalar.Style is ScalarStyle.Plain or ScalarStyle.Any ? ResolvePlain(value) : JsonValue.Create(value),
        };

        var ok = tag switch
        {
            "null" => value is "" or "~" or "null" or "Null" or "NULL",
            "bool" => node is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
            "int" or "float" => node is JsonValue n && n.GetValueKind() == JsonValueKind.Number,
            _ => true,
        };
        if (!ok)
        {
            throw new YamlException(scalar.Start, scalar.End, $"cannot decode \"{Truncate(value)}\" as !!{tag}");
        }

        return node;
    }

    private static JsonNode? TryNumber(string s)
    {
        var span = s.AsSpan();
        if (span.Contains('_'))
        {
            span = s.Replace("_", "", StringComparison.Ordinal);
        }

        var negative = false;
        var digits = span;
        if (digits.Length > 0 && digits[0] is '-' or '+')
        {
            negative = digits[0] == '-';
            digits = digits[1..];
        }

        if (digits.IsEmpty)
        {
            return null;
        }

        if (digits.Length > 2 && digits[0] == '0' && digits[1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
        {
            var radix = digits[1] switch { 'x' or 'X' => 16, 'o' or 'O' => 8, _ => 2 };
            return TryRadix(digits[2..], radix, negative);
        }

        if (IsAll(digits, '0', '9'))
        {
            if (digits.Length > 1 && digits[0] == '0' && IsAll(digits, '0', '7'))
            {
                return TryRadix(digits[1..], 8, negative);
            }

            if (long.TryParse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                return JsonValue.Create(l);
            }

            // Beyond 64 bits: keep every digit as a JSON number; typed decoding reports the overflow.
            using var doc = JsonDocument.Parse((negative ? "-" : "") + digits.TrimStart('0').ToString());
            return JsonValue.Create(doc.RootElement.Clone());
        }

        return IsFloat(span) && double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? JsonValue.Create(d)
            : null;
    }

    private static JsonNode? TryRadix(ReadOnlySpan<char> digits, int radix, bool negative)
    {
        ulong value = 0;
        foreach (var ch in digits)
        {
            var digit = ch switch
            {
                >= '0' and <= '9' => ch - '0',
                >= 'a' and <= 'f' => ch - 'a' + 10,
                >= 'A' and <= 'F' => ch - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
            {
                return null;
            }

            if (value > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
            {
                return null;
            }

            value = (value * (ulong)radix) + (ulong)digit;
        }

        if (negative)
        {
            return value <= (ulong)long.MaxValue + 1 ? JsonValue.Create(value == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)value) : null;
        }

        return value <= long.MaxValue ? JsonValue.Create((long)value) : JsonValue.Create(value);
    }

    /// <summary>[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?</summary>
    private static bool IsFloat(ReadOnlySpan<char> s)
    {
        var i = 0;
        if (i < s.Length && s[i] is '-' or '+')
        {
            i++;
        }

        var intDigits = Digits(s, ref i);
        var fracDigits = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            fracDigits = Digits(s, ref i);
            if (intDigits == 0 && fracDigits == 0)
            {
                return false;
            }
        }
        else if (intDigits == 0)
        {
            return false;
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '-' or '+')
            {
                i++;
            }

            if (Digits(s, ref i) == 0)
            {
                return false;
            }
        }

        return i == s.Length;
    }

    private static int Digits(ReadOnlySpan<char> s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return i - start;
    }

    private static bool IsAll(ReadOnlySpan<char> s, char from, char to)
    {
        foreach (var ch in s)
        {
            if (ch < from || ch > to)
            {
                return false;
            }
        }

        return true;
    }

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "...";
}
