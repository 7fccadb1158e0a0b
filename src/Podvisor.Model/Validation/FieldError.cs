using System.Globalization;
using System.Text;

namespace Podvisor.Model.Validation;

/// <summary>
/// The error types of k8s.io/apimachinery's field.ErrorType. The string values are the reasons the API puts in
/// Status.details.causes; <see cref="FieldError.ToString"/> renders the human form ("Required value").
/// </summary>
public static class FieldErrorType
{
    public const string NotFound = "FieldValueNotFound";
    public const string Required = "FieldValueRequired";
    public const string Duplicate = "FieldValueDuplicate";
    public const string Invalid = "FieldValueInvalid";
    public const string NotSupported = "FieldValueNotSupported";
    public const string Forbidden = "FieldValueForbidden";
    public const string TooLong = "FieldValueTooLong";
    public const string TooMany = "FieldValueTooMany";
    public const string Internal = "InternalError";
    public const string TypeInvalid = "FieldValueTypeInvalid";

    internal static string Describe(string type) => type switch
    {
        NotFound => "Not found",
        Required => "Required value",
        Duplicate => "Duplicate value",
        Invalid => "Invalid value",
        NotSupported => "Unsupported value",
        Forbidden => "Forbidden",
        TooLong => "Too long",
        TooMany => "Too many",
        Internal => "Internal error",
        TypeInvalid => "Invalid value",
        _ => $"<unknown error {type}>",
    };
}

/// <summary>
/// One validation failure, as Kubernetes' field.Error: the field path (e.g. <c>spec.containers[0].image</c>), the
/// error type (a <see cref="FieldErrorType"/> constant), the offending value and a detail. <see cref="ToString"/>
/// renders exactly what the apiserver prints.
/// </summary>
/// <remarks>
/// BadValue is rendered the way Go's fmt does for the value kubernetes passes: numbers and booleans plainly,
/// strings quoted (%q), null as "null", and a <see cref="GoLiteral"/> verbatim (used for Go's %#v of maps and
/// structs, e.g. <c>map[string]string{"app":"x"}</c>).
/// </remarks>
public sealed record FieldError(string Field, string Type, object? BadValue, string Detail)
{
    /// <summary>The message without the field path: what Status.details.causes[].message carries.</summary>
    public string Body
    {
        get
        {
            var s = Type switch
            {
                FieldErrorType.Required or FieldErrorType.Forbidden or FieldErrorType.TooLong or FieldErrorType.Internal =>
                    FieldErrorType.Describe(Type),
                _ => FieldErrorType.Describe(Type) + ": " + GoFormat.Value(BadValue),
            };
            return Detail.Length == 0 ? s : s + ": " + Detail;
        }
    }

    public override string ToString() => Field + ": " + Body;
}

/// <summary>A value already rendered in Go syntax (as %#v would print it); shown verbatim in messages.</summary>
public sealed record GoLiteral(string Text)
{
    public override string ToString() => Text;
}

/// <summary>Renders values as Go's fmt package does in apimachinery's error messages.</summary>
internal static class GoFormat
{
    public static string Value(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        int or long or short or uint or ulong or double or float or decimal =>
            Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        GoLiteral literal => literal.Text,
        IReadOnlyDictionary<string, string> map => StringMap(map).Text,
        _ => value.ToString() ?? "",
    };

    /// <summary>Go's strconv.Quote: double quotes, backslash escapes, \x/\u for control characters.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
                    }
                    else if (Rune.IsControl(rune) || rune.Value is >= 0x80 and <= 0x9f)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
                    }
                    else
                    {
                        sb.Append(rune.ToString());
                    }

                    break;
            }
        }

        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>%#v of a map[string]string: keys sorted, <c>map[string]string{"a":"b", "c":"d"}</c>; nil map as (nil).</summary>
    public static GoLiteral StringMap(IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            return new GoLiteral("map[string]string(nil)");
        }

        var entries = map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Quote(kv.Key) + ":" + Quote(kv.Value));
        return new GoLiteral("map[string]string{" + string.Join(", ", entries) + "}");
    }

    /// <summary>%#v of a []string: <c>[]string{"a", "b"}</c>; nil as (nil).</summary>
    public static string StringSlice(IReadOnlyList<string>? list) =>
        list is null ? "[]string(nil)" : "[]string{" + string.Join(", ", list.Select(Quote)) + "}";

    /// <summary>A Go pointer field inside %#v: <c>(*int64)(nil)</c> when null, else the value.</summary>
    public static string Pointer(string goType, object? value) => value is null ? $"(*{goType})(nil)" : Value(value);
}
