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

    public static JsonObject List(ResourceStrategy s, IEnumerable<JsonObject> items, string? resourceVersion, string? continueToken, long? remaining)
    {
        var meta = new JsonObject();
        if (resourceVersion is not null)
        {
            meta["resourceVersion"] = resourceVersion;
        }

        if (!string.IsNullOrEmpty(continueToken))
        {
            meta["continue"] = continueToken;
        }

        if (remaining is not null)
        {
            meta["remainingItemCount"] = remaining;
        }

        return new JsonObject
        {
            ["kind"] = s.Type.Kind + "List",
            ["apiVersion"] = s.Type.ApiVersion,
            ["metadata"] = meta,
            ["items"] = new JsonArray([.. items.Select(i => (JsonNode)WithTypeMeta(s, i))]),
        };
    }
}
