using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podvisor.Model.Serialization;

/// <summary>
/// Reads a stream of JSON objects into JSON trees. Unlike <see cref="JsonNode.Parse(string, JsonNodeOptions?, JsonDocumentOptions)"/>
/// it records repeated keys (last wins, as Go's decoder does) so strict field validation can reject them, and
/// it builds the tree without recursion.
/// </summary>
internal static class JsonManifestParser
{
    public static List<ManifestDocument> Parse(ReadOnlySpan<byte> utf8, ManifestLimits limits)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            AllowMultipleValues = true,
            CommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = limits.MaxDepth,
        });
        var docs = new List<ManifestDocument>();
        var stack = new List<JsonNode>();
        var path = new FieldPath();
        List<string>? duplicates = null;
        string? pendingKey = null;
        var nodes = 0;
        var lines = new LineCounter();
        long docLine = 1;

        try
        {
            while (reader.Read())
            {
                JsonNode? value;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pendingKey = reader.GetString()!;
                        continue;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        JsonNode container = reader.TokenType == JsonTokenType.StartObject ? new JsonObject() : new JsonArray();
                        if (stack.Count == 0)
                        {
                            docLine = lines.LineAt(utf8, reader.TokenStartIndex);
                            if (container is JsonArray)
                            {
                                throw NotAnObject(docs.Count, docLine, "an array (list)");
                            }
                        }
                        else
                        {
                            Attach(stack[^1], container, pendingKey, path, ref duplicates);
                        }

                        Count(ref nodes, limits);
                        stack.Add(container);
                        continue;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        var done = stack[^1];
                        stack.RemoveAt(stack.Count - 1);
                        if (stack.Count == 0)
                        {
                            docs.Add(new ManifestDocument((JsonObject)done, (IReadOnlyList<string>?)duplicates ?? [], docLine));
                            duplicates = null;
                        }
                        else
                        {
                            path.Pop();
                        }

                        continue;
                    case JsonTokenType.String:
                        value = JsonValue.Create(reader.GetString());
                        break;
                    case JsonTokenType.Number:
                        value = reader.TryGetInt64(out var l) ? JsonValue.Create(l) : JsonValue.Create(JsonElement.ParseValue(ref reader));
                        break;
                    case JsonTokenType.True:
                        value = JsonValue.Create(true);
                        break;
                    case JsonTokenType.False:
                        value = JsonValue.Create(false);
                        break;
                    case JsonTokenType.Null:
                        value = null;
                        break;
                    default:
                        continue;
                }

                if (stack.Count == 0)
                {
                    var line = lines.LineAt(utf8, reader.TokenStartIndex);
                    throw NotAnObject(docs.Count, line, value is null ? "null" : $"a {value.GetValueKind().ToString().ToLowerInvariant()}");
                }

                Count(ref nodes, limits);
                Attach(stack[^1], value, pendingKey, path, ref duplicates);
                path.Pop();
            }
        }
        catch (JsonException e)
        {
            throw Translate(e, utf8, reader.BytesConsumed, stack.Count, reader.CurrentDepth, limits, docs.Count);
        }

        if (stack.Count > 0)
        {
            throw new ManifestException("error parsing JSON: unexpected end of JSON input", document: docs.Count);
        }

        return docs;
    }

    /// <summary>Adds a node to its parent and pushes its key or index onto the path.</summary>
    private static void Attach(JsonNode parent, JsonNode? node, string? key, FieldPath path, ref List<string>? duplicates)
    {
        if (parent is JsonObject obj)
        {
            path.Push(key!);
            if (obj.ContainsKey(key!))
            {
                (duplicates ??= []).Add(path.ToString());
                obj[key!] = node;
            }
            else
            {
                obj.Add(key!, node);
            }
        }
        else
        {
            var array = (JsonArray)parent;
            path.Push(array.Count);
            array.Add(node);
        }
    }

    private static void Count(ref int nodes, ManifestLimits limits)
    {
        if (++nodes > limits.MaxNodes)
        {
            throw new ManifestException($"error parsing JSON: the input has more than {limits.MaxNodes} values");
        }
    }

    private static ManifestException NotAnObject(int document, long line, string what) =>
        new($"error parsing JSON: document {document + 1} (line {line}) is {what}, not an object", line, 1, document);

    private static ManifestException Translate(JsonException e, ReadOnlySpan<byte> utf8, long consumed, int open, int depth, ManifestLimits limits, int document)
    {
        var line = (e.LineNumber ?? 0) + 1;
        var column = (e.BytePositionInLine ?? 0) + 1;
        // CurrentDepth is 0-based, so the container that exceeded the limit is seen as depth MaxDepth - 1; the count
        // of open containers says it directly.
        if (open >= limits.MaxDepth || depth >= limits.MaxDepth)
        {
            return new ManifestException(
                $"error parsing JSON: line {line}, column {column}: nesting exceeds the maximum depth of {limits.MaxDepth}", line, column, document);
        }

        if (open > 0 && utf8[(int)Math.Min(consumed, utf8.Length)..].Trim(" \t\r\n"u8).IsEmpty)
        {
            return new ManifestException($"error parsing JSON: line {line}, column {column}: unexpected end of JSON input", line, column, document);
        }

        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        return new ManifestException($"error parsing JSON: line {line}, column {column}: {message.TrimEnd('.', ' ')}", line, column, document);
    }

    /// <summary>Counts lines incrementally; documents are visited in order, so the total work is linear.</summary>
    private sealed class LineCounter
    {
        private int _offset;
        private long _line = 1;

        public long LineAt(ReadOnlySpan<byte> utf8, long offset)
        {
            var end = (int)Math.Min(offset, utf8.Length);
            if (end > _offset)
            {
                _line += utf8[_offset..end].Count((byte)'\n');
                _offset = end;
            }

            return _line;
        }
    }
}
