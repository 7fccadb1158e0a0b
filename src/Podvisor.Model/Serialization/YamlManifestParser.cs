using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Podvisor.Model.Serialization;

/// <summary>
/// Converts a YAML stream into JSON trees from the parser's events, without recursion and without
/// YamlDotNet's representation model. Anchors and aliases are resolved by copying (bounded by
/// <see cref="ManifestLimits.MaxNodes"/>), merge keys ("&lt;&lt;") are applied, and plain scalars are typed by
/// <see cref="YamlScalars"/>. Repeated keys are recorded; the last value wins.
/// </summary>
internal sealed class YamlManifestParser
{
    private const string MergeKey = "<<";

    private readonly ManifestLimits _limits;
    private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);
    private readonly List<Frame> _stack = [];
    private readonly FieldPath _path = new();
    private List<string>? _duplicates;
    private int _nodes;
    private bool _aliased;

    private YamlManifestParser(ManifestLimits limits) => _limits = limits;

    public static List<ManifestDocument> Parse(TextReader text, ManifestLimits limits) => new YamlManifestParser(limits).Run(text);

    private List<ManifestDocument> Run(TextReader text)
    {
        var parser = new Parser(text);
        var docs = new List<ManifestDocument>();
        var document = 0;
        try
        {
            parser.Consume<StreamStart>();
            while (!parser.TryConsume<StreamEnd>(out _))
            {
                var start = parser.Consume<DocumentStart>();
                _anchors.Clear();
                _duplicates = null;
                var root = ReadDocument(parser);
                parser.TryConsume<DocumentEnd>(out _);
                switch (root)
                {
                    case null:
                        break;
                    case JsonObject obj:
                        docs.Add(new ManifestDocument(obj, (IReadOnlyList<string>?)_duplicates ?? [], start.Start.Line));
                        break;
                    default:
                        var what = root is JsonArray ? "a list" : "a scalar";
                        throw new ManifestException(
                            $"error converting YAML to JSON: document {document + 1} (line {start.Start.Line}) is {what}, not an object",
                            start.Start.Line, start.Start.Column, document);
                }

                document++;
            }
        }
        catch (YamlException e)
        {
            throw new ManifestException(
                $"error converting YAML to JSON: yaml: line {e.Start.Line}, column {e.Start.Column}: {Describe(e)}",
                e.Start.Line, e.Start.Column, document);
        }

        return docs;
    }

    /// <summary>Reads one document's node; returns null for an empty document.</summary>
    private JsonNode? ReadDocument(IParser parser)
    {
        while (true)
        {
            // Consume left the first event of the node as Current: take it, then advance.
            var ev = parser.Current ?? throw new YamlException("unexpected end of the stream");
            parser.MoveNext();
            switch (ev)
            {
                case MappingStart m:
                    Open(new JsonObject(), m.Anchor, ev);
                    continue;
                case SequenceStart s:
                    Open(new JsonArray(), s.Anchor, ev);
                    continue;
                case MappingEnd or SequenceEnd:
                    var done = Close();
                    if (_stack.Count == 0)
                    {
                        return done;
                    }

                    continue;
                case Scalar scalar:
                    if (_stack.Count > 0 && _stack[^1].ExpectsKey)
                    {
                        var frame = _stack[^1];
                        frame.Key = YamlScalars.ToKey(scalar);
                        frame.IsMerge = scalar.Style == ScalarStyle.Plain && scalar.Value == MergeKey;
                        frame.ExpectsKey = false;
                        continue;
                    }

                    var value = YamlScalars.Resolve(scalar);
                    Count(1, ev);
                    if (!scalar.Anchor.IsEmpty)
                    {
                        _anchors[scalar.Anchor.Value] = new Anchored(value, 1, 0);
                    }

                    if (_stack.Count == 0)
                    {
                        return value;
                    }

                    Attach(value, 0, ev);
                    continue;
                case AnchorAlias alias:
                    if (_stack.Count > 0 && _stack[^1].ExpectsKey)
                    {
                        throw Error(ev, "aliases are not supported as mapping keys");
                    }

                    if (!_anchors.TryGetValue(alias.Value.Value, out var anchored))
                    {
                        throw Error(ev, $"unknown anchor '{alias.Value.Value}' referenced");
                    }

                    _aliased = true;
                    Count(anchored.Size, ev);
                    CheckDepth(_stack.Count + anchored.Height, ev);
                    var copy = anchored.Node?.DeepClone();
                    if (_stack.Count == 0)
                    {
                        return copy;
                    }

                    Attach(copy, anchored.Height, ev, anchored.Size);
                    continue;
                case DocumentEnd:
                    return null;
                default:
                    continue;
            }
        }
    }

    private void Open(JsonNode container, AnchorName anchor, ParsingEvent ev)
    {
        if (_stack.Count > 0 && _stack[^1].ExpectsKey)
        {
            throw Error(ev, "complex mapping keys (a map or a list used as a key) are not supported");
        }

        CheckDepth(_stack.Count + 1, ev);
        Count(1, ev);
        if (_stack.Count > 0)
        {
            var parent = _stack[^1];
            if (parent.Array is { } array)
            {
                _path.Push(array.Count);
            }
            else
            {
                _path.Push(parent.Key!);
            }
        }

        _stack.Add(new Frame(container, anchor.IsEmpty ? null : anchor.Value, ev));
    }

    private JsonNode Close()
    {
        var frame = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        if (frame.Merges is { } merges)
        {
            ApplyMerges(frame, merges);
        }

        if (frame.Anchor is { } name)
        {
            _anchors[name] = new Anchored(frame.Node, frame.Size, frame.Height);
        }

        if (_stack.Count > 0)
        {
            _path.Pop();
            Attach(frame.Node, frame.Height, frame.Start, frame.Size);
        }

        return frame.Node;
    }

    /// <summary>Adds a finished node to the open container on top of the stack.</summary>
    private void Attach(JsonNode? node, int height, ParsingEvent ev, int size = 1)
    {
        var parent = _stack[^1];
        parent.Size += size;
        parent.Height = Math.Max(parent.Height, height + 1);
        if (parent.Array is { } array)
        {
            array.Add(node);
            return;
        }

        var obj = parent.Object!;
        var key = parent.Key!;
        parent.ExpectsKey = true;
        if (parent.IsMerge)
        {
            parent.IsMerge = false;
            (parent.Merges ??= []).Add(node switch
            {
                JsonObject o => o,
                JsonArray a when a.All(n => n is JsonObject) => a,
                _ => throw Error(ev, "map merge requires a map or a list of maps as its value"),
            });
            return;
        }

        if (obj.ContainsKey(key))
        {
            (_duplicates ??= []).Add(_path.With(key));
            obj[key] = node;
        }
        else
        {
            obj.Add(key, node);
        }
    }

    /// <summary>Keys given explicitly win over merged ones; among merged maps, the first one listed wins.</summary>
    private void ApplyMerges(Frame frame, List<JsonNode> merges)
    {
        var target = frame.Object!;
        foreach (var source in merges.SelectMany(m => m is JsonArray a ? a.Cast<JsonObject>() : [(JsonObject)m]))
        {
            foreach (var (key, value) in source)
            {
                if (!target.ContainsKey(key))
                {
                    Count(1, frame.Start);
                    target.Add(key, value?.DeepClone());
                }
            }
        }
    }

    private void Count(int size, ParsingEvent ev)
    {
        _nodes += size;
        if (_nodes > _limits.MaxNodes || _nodes < 0)
        {
            throw Error(ev, _aliased
                ? $"document contains excessive aliasing (more than {_limits.MaxNodes} values after expanding aliases)"
                : $"the input has more than {_limits.MaxNodes} values");
        }
    }

    private void CheckDepth(int depth, ParsingEvent ev)
    {
        if (depth > _limits.MaxDepth)
        {
            throw Error(ev, $"nesting exceeds the maximum depth of {_limits.MaxDepth}");
        }
    }

    private static YamlException Error(ParsingEvent ev, string message) => new(ev.Start, ev.End, message);

    /// <summary>YamlDotNet's message without its "(Line: .., Col: ..) - (..): " prefix, starting lower-case.</summary>
    private static string Describe(YamlException e)
    {
        var message = e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0)
        {
            message = message[(cut + 3)..];
        }

        message = message.TrimEnd('.', ' ');
        return message.Length > 0 ? char.ToLowerInvariant(message[0]) + message[1..] : message;
    }

    private sealed record Anchored(JsonNode? Node, int Size, int Height);

    private sealed class Frame(JsonNode node, string? anchor, ParsingEvent start)
    {
        public JsonNode Node { get; } = node;

        public JsonObject? Object { get; } = node as JsonObject;

        public JsonArray? Array { get; } = node as JsonArray;

        public string? Anchor { get; } = anchor;

        public ParsingEvent Start { get; } = start;

        public bool ExpectsKey { get; set; } = node is JsonObject;

        public string? Key { get; set; }

        public bool IsMerge { get; set; }

        public List<JsonNode>? Merges { get; set; }

        /// <summary>Values in this subtree, itself included: what copying it through an alias costs.</summary>
        public int Size { get; set; } = 1;

        /// <summary>Levels of containers below this one.</summary>
        public int Height { get; set; }
    }
}
