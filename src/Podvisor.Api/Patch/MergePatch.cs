using System.Text.Json.Nodes;

namespace Podvisor.Api.Patch;

/// <summary>JSON Merge Patch (RFC 7386): objects merge recursively, null removes a key, anything else replaces.</summary>
public static class MergePatch
{
    /// <summary>Returns a new node; neither argument is mutated.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Apply(result[key], value);
            }
        }

        return result;
    }
}
