using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podvisor.Model.Serialization;

/// <summary>
/// Walks a JSON tree against a <see cref="TypeShape"/> before it is bound: finds fields the type does not have,
/// values of the wrong JSON type (reported with their path, which the serializer's own errors lack), and what must
/// be rewritten before binding: nulls that must read as "unset" (Go's zero value for a non-pointer field, list item
/// or map value) and absent non-nullable members (see <see cref="MemberShape.FilledWhenAbsent"/>). Recursion follows
/// the model's nesting only — unknown fields and free-form JSON are not descended — so depth is bounded by the
/// types, not by the input.
/// </summary>
internal sealed class FieldChecker
{
    private const int MaxTypeErrors = 10;

    private readonly FieldPath _path = new();
    private readonly bool _fix;

    private FieldChecker(bool fix) => _fix = fix;

    public List<string> Unknown { get; } = [];

    public List<string> TypeErrors { get; } = [];

    /// <summary>Some null must be replaced by a zero value, or some absent member written out, before binding.</summary>
    public bool NeedsFix { get; private set; }

    /// <summary>Checks without changing the tree.</summary>
    public static FieldChecker Check(JsonObject root, TypeShape shape)
    {
        var checker = new FieldChecker(fix: false);
        checker.Walk(root, shape);
        return checker;
    }

    /// <summary>Rewrites what <see cref="NeedsFix"/> reported; the tree must be the caller's own copy.</summary>
    public static void Fix(JsonObject root, TypeShape shape) => new FieldChecker(fix: true).Walk(root, shape);

    private void Walk(JsonNode node, TypeShape shape)
    {
        switch (shape.Kind)
        {
            case ShapeKind.Object:
                WalkObject(node, shape);
                break;
            case ShapeKind.List:
                WalkList(node, shape);
                break;
            case ShapeKind.Map:
                WalkMap(node, shape);
                break;
            default:
                CheckScalar(node, shape);
                break;
        }
    }

    private void WalkObject(JsonNode node, TypeShape shape)
    {
        if (node is not JsonObject obj)
        {
            TypeError(node, shape);
            return;
        }

        List<MemberShape>? nulls = null;
        foreach (var (key, value) in obj)
        {
            if (!shape.Members.TryGetValue(key, out var member))
            {
                if (!_fix)
                {
                    Unknown.Add(_path.With(key));
                }

                continue;
            }

            if (value is null)
            {
                if (!member.AcceptsNull)
                {
                    NeedsFix = true;
                    if (_fix)
                    {
                        (nulls ??= []).Add(member);
                    }
                }

                continue;
            }

            _path.Push(key);
            Walk(value, member.Shape);
            _path.Pop();
        }

        List<MemberShape>? absent = null;
        foreach (var member in shape.FilledWhenAbsent)
        {
            if (!obj.ContainsKey(member.Name))
            {
                NeedsFix = true;
                if (_fix)
                {
                    (absent ??= []).Add(member);
                }
            }
        }

        if (!_fix)
        {
            return;
        }

        // Go leaves the zero value where null meets a non-pointer field. A required member is removed instead, so
        // that the serializer rejects the object for the missing value.
        for (var i = 0; nulls is not null && i < nulls.Count; i++)
        {
            var member = nulls[i];
            var zero = member.Shape.Zero(out var exists);
            if (exists && zero is not null && !member.IsRequired)
            {
                SetZero(obj, member, zero);
            }
            else
            {
                obj.Remove(member.Name);
            }
        }

        for (var i = 0; absent is not null && i < absent.Count; i++)
        {
            SetZero(obj, absent[i], absent[i].Shape.Zero(out _)!);
        }
    }

    /// <summary>Writes a zero value and completes it: an empty object gets the zero values of its own members.</summary>
    private void SetZero(JsonObject obj, MemberShape member, JsonNode zero)
    {
        obj[member.Name] = zero;
        _path.Push(member.Name);
        Walk(zero, member.Shape);
        _path.Pop();
    }

    private void WalkList(JsonNode node, TypeShape shape)
    {
        if (node is not JsonArray array)
        {
            TypeError(node, shape);
            return;
        }

        var element = shape.Element;
        for (var i = 0; i < array.Count; i++)
        {
            _path.Push(i);
            if (array[i] is { } item)
            {
                Walk(item, element);
            }
            else if (NullElement(element) is { } zero && _fix)
            {
                array[i] = zero;
                Walk(zero, element);
            }

            _path.Pop();
        }
    }

    private void WalkMap(JsonNode node, TypeShape shape)
    {
        if (node is not JsonObject obj)
        {
            TypeError(node, shape);
            return;
        }

        var element = shape.Element;
        List<(string Key, JsonNode Zero)>? replacements = null;
        foreach (var (key, value) in obj)
        {
            _path.Push(key);
            if (value is not null)
            {
                Walk(value, element);
            }
            else if (NullElement(element) is { } zero && _fix)
            {
                (replacements ??= []).Add((key, zero));
            }

            _path.Pop();
        }

        if (replacements is not null)
        {
            foreach (var (key, zero) in replacements)
            {
                obj[key] = zero;
                _path.Push(key);
                Walk(zero, element);
                _path.Pop();
            }
        }
    }

    /// <summary>
    /// A null list item or map value: Go's decoder leaves the zero value (an empty struct for a list of structs), which
    /// is returned to be written in its place; null when null itself is bound (free-form JSON). A type without a zero
    /// value is a type error.
    /// </summary>
    private JsonNode? NullElement(TypeShape element)
    {
        var zero = element.Zero(out var exists);
        if (!exists)
        {
            TypeError(null, element);
            return null;
        }

        if (zero is null)
        {
            return null;
        }

        NeedsFix = true;
        return zero;
    }

    private void CheckScalar(JsonNode node, TypeShape shape)
    {
        var kind = node.GetValueKind();
        var ok = shape.Scalar switch
        {
            ScalarKind.Any or ScalarKind.Other => true,
            ScalarKind.AnyObject => kind == JsonValueKind.Object,
            ScalarKind.String or ScalarKind.Time or ScalarKind.Bytes => kind == JsonValueKind.String,
            ScalarKind.Bool => kind is JsonValueKind.True or JsonValueKind.False,
            ScalarKind.Float => kind == JsonValueKind.Number,
            ScalarKind.Quantity => kind is JsonValueKind.String or JsonValueKind.Number,
            ScalarKind.Integer => kind == JsonValueKind.Number && InRange(node, shape.Min, shape.Max),
            ScalarKind.IntOrString => kind == JsonValueKind.String || (kind == JsonValueKind.Number && InRange(node, int.MinValue, int.MaxValue)),
            _ => true,
        };
        if (!ok)
        {
            TypeError(node, shape);
        }
    }

    /// <summary>True when the number is an integer literal (as the serializer requires) within the range.</summary>
    private static bool InRange(JsonNode node, long min, long max)
    {
        var value = node.AsValue();
        if (value.TryGetValue(out long l))
        {
            return l >= min && l <= max;
        }

        if (value.TryGetValue(out int i))
        {
            return i >= min && i <= max;
        }

        if (value.TryGetValue(out JsonElement e))
        {
            return e.TryGetInt64(out l) && l >= min && l <= max;
        }

        if (value.TryGetValue(out double d))
        {
            // Written in round-trip form, an integral double ("1.0" in YAML) reads back as an integer.
            return double.IsInteger(d) && d >= min && d <= max && Math.Abs(d) < 1e15;
        }

        return long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l) && l >= min && l <= max;
    }

    private void TypeError(JsonNode? node, TypeShape shape)
    {
        if (_fix || TypeErrors.Count >= MaxTypeErrors)
        {
            return;
        }

        var what = node?.GetValueKind() switch
        {
            null or JsonValueKind.Null => "null",
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number " + Truncate(node.ToJsonString()),
            JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValueKind.Array => "array",
            _ => "object",
        };
        TypeErrors.Add($"json: cannot unmarshal {what} into field \"{_path}\" of type {shape.TypeName}");
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
