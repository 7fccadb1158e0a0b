using System.Text.Json;
using System.Text.Json.Nodes;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Endpoints;

internal static class Objects
{
    /// <summary>A copy that starts with apiVersion and kind, as the wire format expects.</summary>
    public static JsonObject WithTypeMeta(ResourceStrategy s, JsonObject obj)
    {
        var copy = new JsonObject { ["apiVersion"] = s.Type.ApiVersion, ["kind"] = s.Type.Kind };
        foreach (var (key, value) in obj)
        {
            if (key is not ("apiVersion" or "kind"))
            {
                copy[key] = value?.DeepClone();
            }
        }

        return copy;
    }

    public static string? Name(JsonObject obj) => Json.Str(obj, "metadata", "name");

    /// <summary>
    /// Writes <paramref name="obj"/> as <see cref="WithTypeMeta"/> would return it, without the copy: a list or a
    /// watch event writes each stored object as it is (a watch's objects are shared by its watchers).
    /// </summary>
    public static void WriteWithTypeMeta(Utf8JsonWriter writer, ResourceStrategy s, JsonObject obj)
    {
        writer.WriteStartObject();
        writer.WriteString("apiVersion", s.Type.ApiVersion);
        writer.WriteString("kind", s.Type.Kind);
        foreach (var (key, value) in obj)
        {
            if (key is not ("apiVersion" or "kind"))
            {
                writer.WritePropertyName(key);
                WriteValue(writer, value);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>A {Kind}List: kind, apiVersion, metadata (resourceVersion, continue, remainingItemCount), items.</summary>
    public static void WriteList(Utf8JsonWriter writer, ResourceStrategy s, IEnumerable<JsonObject> items, string? resourceVersion, string? continueToken, long? remaining)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", s.Type.Kind + "List");
        writer.WriteString("apiVersion", s.Type.ApiVersion);
        WriteListMeta(writer, resourceVersion, continueToken, remaining);
        writer.WriteStartArray("items");
        foreach (var item in items)
        {
            WriteWithTypeMeta(writer, s, item);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>A list's (or Table's) ListMeta: resourceVersion, continue and remainingItemCount where set.</summary>
    public static void WriteListMeta(Utf8JsonWriter writer, string? resourceVersion, string? continueToken, long? remaining)
    {
        writer.WriteStartObject("metadata");
        if (resourceVersion is not null)
        {
            writer.WriteString("resourceVersion", resourceVersion);
        }

        if (!string.IsNullOrEmpty(continueToken))
        {
            writer.WriteString("continue", continueToken);
        }

        if (remaining is not null)
        {
            writer.WriteNumber("remainingItemCount", remaining.Value);
        }

        writer.WriteEndObject();
    }

    public static void WriteValue(Utf8JsonWriter writer, JsonNode? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.WriteTo(writer);
        }
    }
}
