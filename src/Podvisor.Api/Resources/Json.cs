using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podvisor.Api.Resources;

/// <summary>
/// Type-tolerant reads of JSON objects. Objects come from clients and may hold any JSON type anywhere, so every
/// read returns null (never throws) when a value is missing or has an unexpected type.
/// </summary>
internal static class Json
{
    public static JsonObject? Obj(JsonNode? node, params ReadOnlySpan<string> path)
    {
        var n = Walk(node, path);
        return n as JsonObject;
    }

    public static JsonArray? Arr(JsonNode? node, params ReadOnlySpan<string> path) => Walk(node, path) as JsonArray;

    public static string? Str(JsonNode? node, params ReadOnlySpan<string> path) =>
        Walk(node, path) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long? Long(JsonNode? node, params ReadOnlySpan<string> path)
    {
        if (Walk(node, path) is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        return v.TryGetValue<long>(out var l) ? l
            : v.TryGetValue<double>(out var d) && d is >= long.MinValue and <= long.MaxValue ? (long)d
            : null;
    }

    public static bool? Bool(JsonNode? node, params ReadOnlySpan<string> path) =>
        Walk(node, path) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? v.GetValue<bool>()
            : null;

    public static DateTimeOffset? Time(JsonNode? node, params ReadOnlySpan<string> path) =>
        Str(node, path) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : null;

    public static IEnumerable<JsonObject> Objects(JsonNode? node, params ReadOnlySpan<string> path) =>
        Arr(node, path)?.OfType<JsonObject>() ?? [];

    /// <summary>metadata as an object; null when missing or of another type.</summary>
    public static JsonObject? Meta(JsonObject obj) => obj["metadata"] as JsonObject;

    public static JsonObject EnsureObject(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject o)
        {
            return o;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    public static string FormatTime(DateTimeOffset t) =>
        t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Labels map as sorted "k=v,k2=v2" (labels.FormatLabels); "&lt;none&gt;" when empty.</summary>
    public static string FormatLabels(JsonObject? map)
    {
        if (map is null || map.Count == 0)
        {
            return "<none>";
        }

        return string.Join(',', map.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={(p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : p.Value?.ToJsonString())}"));
    }

    private static JsonNode? Walk(JsonNode? node, ReadOnlySpan<string> path)
    {
        foreach (var p in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(p, out node))
            {
                return null;
            }
        }

        return node;
    }
}
