using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podvisor.Store;

/// <summary>Reading and writing the metadata the store owns, and the stored byte form of an object.</summary>
internal static class ObjectJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    /// <summary>The stored form: compact UTF-8 JSON, deterministic for an equal JsonObject (property order kept).</summary>
    public static byte[] Serialize(JsonObject obj)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = _writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        obj.WriteTo(writer);
        writer.Flush();
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 1 << 20)
        {
            _buffer = null;
            _writer = null;
        }

        return bytes;
    }

    public static JsonObject Parse(byte[] bytes) => JsonNode.Parse(bytes)!.AsObject();

    /// <summary>Parses a stored value and stamps <paramref name="revision"/> as its resourceVersion.</summary>
    public static JsonObject Materialize(byte[] bytes, long revision)
    {
        var obj = Parse(bytes);
        Meta(obj)["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);
        return obj;
    }

    public static JsonObject Meta(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta)
        {
            return meta;
        }

        meta = [];
        obj["metadata"] = meta;
        return meta;
    }

    public static string? String(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long? Long(JsonObject obj, string name)
    {
        if (obj[name] is not JsonValue v)
        {
            return null;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        return v.TryGetValue<double>(out var d) ? (long)d : null;
    }

    public static int FinalizerCount(JsonObject meta) => meta["finalizers"] is JsonArray a ? a.Count : 0;

    /// <summary>Copies a property (deep) from one object to another, or removes it from the target when absent.</summary>
    public static void CopyOrRemove(JsonObject from, JsonObject to, string name)
    {
        if (from[name] is { } node)
        {
            to[name] = node.DeepClone();
        }
        else
        {
            to.Remove(name);
        }
    }

    /// <summary>RFC 3339 with second precision and "Z", as Kubernetes writes metav1.Time.</summary>
    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTimestamp(string? s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>
    /// Whether anything but metadata, status, apiVersion and kind differs: the "spec" that bumps generation
    /// (spec for most kinds; data, rules, subsets... for kinds without one).
    /// </summary>
    public static bool DesiredStateChanged(JsonObject before, JsonObject after)
    {
        foreach (var (k, v) in after)
        {
            if (IsBookkeeping(k))
            {
                continue;
            }

            if (!before.TryGetPropertyValue(k, out var old) || !JsonNode.DeepEquals(old, v))
            {
                return true;
            }
        }

        foreach (var (k, _) in before)
        {
            if (!IsBookkeeping(k) && !after.ContainsKey(k))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsBookkeeping(string name) => name is "metadata" or "status" or "apiVersion" or "kind";
}
