using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Serialization;

/// <summary>JSON in Kubernetes' wire format: camelCase, nulls omitted, RFC 3339 times, int-or-string.</summary>
public static class KubeJson
{
    /// <summary>Options bound to the source-generated context; unknown JSON members are ignored.</summary>
    public static JsonSerializerOptions Options => ModelJsonContext.Default.Options;

    public static JsonTypeInfo<T> TypeInfo<T>() =>
        (JsonTypeInfo<T>)(ModelJsonContext.Default.GetTypeInfo(typeof(T))
            ?? throw new NotSupportedException($"{typeof(T).Name} is not an API type"));

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    public static byte[] SerializeToUtf8Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>());

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize(json, TypeInfo<T>()) ?? throw new JsonException("null is not an object");

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, TypeInfo<T>()) ?? throw new JsonException("null is not an object");

    /// <summary>The object as a JSON tree (the store's and API server's representation).</summary>
    public static JsonObject ToNode<T>(T value) =>
        JsonSerializer.SerializeToNode(value, TypeInfo<T>()) as JsonObject
            ?? throw new JsonException($"{typeof(T).Name} did not serialise to an object");

    public static T FromNode<T>(JsonNode node) =>
        node.Deserialize(TypeInfo<T>()) ?? throw new JsonException("null is not an object");

    /// <summary>Reads apiVersion, kind and metadata without binding the rest.</summary>
    public static (string? ApiVersion, string? Kind, ObjectMeta Metadata) ReadHeader(JsonObject node)
    {
        var meta = node["metadata"] is JsonObject m ? FromNode<ObjectMeta>(m) : new ObjectMeta();
        return ((string?)node["apiVersion"], (string?)node["kind"], meta);
    }
}
