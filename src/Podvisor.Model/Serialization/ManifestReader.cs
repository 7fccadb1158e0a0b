using System.Text;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Podvisor.Model.Serialization;

/// <summary>
/// Reads manifests — YAML (several documents separated by "---", comments, anchors) or JSON (one or more
/// objects) — into JSON objects, the representation the API server and the store work on. Input whose first
/// non-blank character is '{' or '[' is JSON, as kubectl decides; anything else is YAML. Empty documents are
/// skipped. Every failure is a <see cref="ManifestException"/> naming the line and column; hostile input is
/// bounded by <see cref="ManifestLimits"/>. Thread-safe; nothing is cached between calls.
/// </summary>
public static class ManifestReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IReadOnlyList<JsonObject> Read(string text, ManifestLimits? limits = null) =>
        Objects(ReadDocuments(text, limits));

    public static IReadOnlyList<JsonObject> Read(ReadOnlySpan<byte> utf8, ManifestLimits? limits = null) =>
        Objects(ReadDocuments(utf8, limits));

    /// <summary>Like <see cref="Read(string, ManifestLimits?)"/>, keeping each document's repeated keys and line.</summary>
    public static IReadOnlyList<ManifestDocument> ReadDocuments(string text, ManifestLimits? limits = null)
    {
        limits ??= ManifestLimits.Default;
        CheckSize(text.Length, limits);
        var start = 0;
        while (start < text.Length && (char.IsWhiteSpace(text[start]) || text[start] == '\uFEFF'))
        {
            start++;
        }

        if (start < text.Length && text[start] is '{' or '[')
        {
            return JsonManifestParser.Parse(Encoding.UTF8.GetBytes(text), limits);
        }

        return YamlManifestParser.Parse(new StringReader(text), limits);
    }

    /// <summary>Like <see cref="Read(ReadOnlySpan{byte}, ManifestLimits?)"/>, keeping each document's repeated keys and line.</summary>
    public static IReadOnlyList<ManifestDocument> ReadDocuments(ReadOnlySpan<byte> utf8, ManifestLimits? limits = null)
    {
        limits ??= ManifestLimits.Default;
        CheckSize(utf8.Length, limits);
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        CheckUtf8(utf8);
        var first = utf8.IndexOfAnyExcept(" \t\r\n"u8);
        if (first >= 0 && utf8[first] is (byte)'{' or (byte)'[')
        {
            return JsonManifestParser.Parse(utf8, limits);
        }

        return YamlManifestParser.Parse(new StringReader(StrictUtf8.GetString(utf8)), limits);
    }

    private static List<JsonObject> Objects(IReadOnlyList<ManifestDocument> docs) => [.. docs.Select(d => d.Object)];

    private static void CheckSize(int length, ManifestLimits limits)
    {
        if (length > limits.MaxInputBytes)
        {
            throw new ManifestException($"the manifest is {length} bytes, more than the limit of {limits.MaxInputBytes} bytes");
        }
    }

    private static void CheckUtf8(ReadOnlySpan<byte> utf8)
    {
        if (Utf8.IsValid(utf8))
        {
            return;
        }

        var offset = 0;
        while (offset < utf8.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                break;
            }

            offset += consumed;
        }

        var before = utf8[..offset];
        var line = before.Count((byte)'\n') + 1L;
        var column = offset - (before.LastIndexOf((byte)'\n') + 1) + 1L;
        throw new ManifestException(
            $"invalid UTF-8 at byte {offset} (line {line}, column {column}): manifests must be UTF-8 encoded", line, column);
    }
}
