using System.Text.Json.Nodes;

namespace Podvisor.Api.Patch;

/// <summary>JSON Patch (RFC 6902): add, remove, replace, move, copy, test, applied in order to a copy.</summary>
public static class JsonPatch
{
    /// <summary>Throws <see cref="FormatException"/> for a malformed document, <see cref="PatchException"/> when an op fails.</summary>
    public static JsonNode Apply(JsonNode target, JsonNode patch)
    {
        if (patch is not JsonArray ops)
        {
            throw new FormatException("a JSON patch must be an array of operations");
        }

        var doc = target.DeepClone();
        foreach (var item in ops)
        {
            if (item is not JsonObject op || op["op"] is not JsonValue opValue || !opValue.TryGetValue<string>(out var name)
                || op["path"] is not JsonValue pathValue || !pathValue.TryGetValue<string>(out var path))
            {
                throw new FormatException("each JSON patch operation needs string \"op\" and \"path\"");
            }

            switch (name)
            {
                case "add":
                    doc = Add(doc, path, Value(op));
                    break;
                case "remove":
                    doc = Remove(doc, path, out _);
                    break;
                case "replace":
                    doc = Remove(doc, path, out _);
                    doc = Add(doc, path, Value(op));
                    break;
                case "move":
                    doc = Remove(doc, From(op), out var moved);
                    doc = Add(doc, path, moved);
                    break;
                case "copy":
                    doc = Add(doc, path, Get(doc, From(op))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), Value(op)))
                    {
                        throw new PatchException($"testing value {path} failed");
                    }

                    break;
                default:
                    throw new FormatException($"unexpected JSON patch operation \"{name}\"");
            }
        }

        return doc;
    }

    private static JsonNode? Value(JsonObject op) =>
        op.TryGetPropertyValue("value", out var v) ? v?.DeepClone() : throw new FormatException("operation is missing \"value\"");

    private static string From(JsonObject op) =>
        op["from"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new FormatException("operation is missing \"from\"");

    private static List<string> Tokens(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (path[0] != '/')
        {
            throw new FormatException($"JSON pointer \"{path}\" must start with /");
        }

        return path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private static JsonNode? Get(JsonNode doc, string path)
    {
        JsonNode? node = doc;
        foreach (var token in Tokens(path))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new PatchException($"path {path} does not exist"),
            };
        }

        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode doc, string path)
    {
        var tokens = Tokens(path);
        if (tokens.Count == 0)
        {
            throw new PatchException("the root cannot be the target of this operation");
        }

        var parentPath = string.Concat(tokens.Take(tokens.Count - 1).Select(t => "/" + t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
        return (Get(doc, parentPath) ?? throw new PatchException($"parent of {path} is null"), tokens[^1]);
    }

    private static JsonNode Add(JsonNode doc, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            return value ?? throw new PatchException("cannot replace the document with null");
        }

        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new PatchException($"cannot add at {path}");
        }

        return doc;
    }

    private static JsonNode Remove(JsonNode doc, string path, out JsonNode? removed)
    {
        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out removed):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                removed = a[i];
                a.RemoveAt(i);
                break;
            default:
                throw new PatchException($"unable to remove nonexistent key: {path}");
        }

        return doc;
    }
}
