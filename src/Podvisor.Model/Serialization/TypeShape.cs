using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Serialization;

internal enum ShapeKind
{
    Object,
    List,
    Map,
    Scalar,
}

internal enum ScalarKind
{
    /// <summary>Any JSON (JsonElement, JsonNode): not checked.</summary>
    Any,
    AnyObject,
    String,
    Bool,
    Integer,
    Float,
    IntOrString,
    Quantity,
    Time,
    Bytes,

    /// <summary>A type with its own converter that this checker does not know; left to the serializer.</summary>
    Other,
}

/// <summary>
/// What JSON a model type accepts, derived once per type from the source-generated <see cref="JsonTypeInfo"/>
/// (so it always matches what the serializer binds): an object's members by JSON name, a list's or a map's
/// element, or the kind of scalar. Shapes of nested types are resolved lazily, so recursive types are fine.
/// </summary>
internal sealed class TypeShape
{
    private static readonly ConcurrentDictionary<Type, TypeShape> Cache = new();

    private readonly Type? _elementType;
    private readonly string _name = "";
    private TypeShape? _element;
    private MemberShape[]? _filledWhenAbsent;

    private TypeShape(Type type)
    {
        Type = type;
        var info = ModelJsonContext.Default.GetTypeInfo(type);
        Scalar = Classify(type);
        if (Scalar != ScalarKind.Other || info is null || info.Kind == JsonTypeInfoKind.None)
        {
            Kind = ShapeKind.Scalar;
            (Min, Max) = Range(type);
            _name = ScalarName(type);
            return;
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                Kind = ShapeKind.Object;
                Members = info.Properties.ToDictionary(p => p.Name, p => new MemberShape(p), StringComparer.Ordinal);
                _name = type.Name;
                break;
            case JsonTypeInfoKind.Enumerable:
                Kind = ShapeKind.List;
                _elementType = info.ElementType;
                break;
            default:
                Kind = ShapeKind.Map;
                _elementType = info.ElementType;
                break;
        }
    }

    public Type Type { get; }

    public ShapeKind Kind { get; }

    public ScalarKind Scalar { get; }

    /// <summary>Go-style name for messages: int32, string, []Container, map[string]string.</summary>
    public string TypeName => Kind switch
    {
        ShapeKind.List => "[]" + Element.TypeName,
        ShapeKind.Map => "map[string]" + Element.TypeName,
        _ => _name,
    };

    /// <summary>Integer range for <see cref="ScalarKind.Integer"/>.</summary>
    public long Min { get; }

    public long Max { get; }

    public IReadOnlyDictionary<string, MemberShape> Members { get; } = new Dictionary<string, MemberShape>();

    /// <summary>Members that must be written out with their zero value when absent (<see cref="MemberShape.FilledWhenAbsent"/>).</summary>
    public MemberShape[] FilledWhenAbsent => _filledWhenAbsent ??= [.. Members.Values.Where(m => m.FilledWhenAbsent)];

    public TypeShape Element => _element ??= For(_elementType!);

    public static TypeShape For(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (Cache.TryGetValue(type, out var shape))
        {
            return shape;
        }

        // Built outside GetOrAdd so a recursive type can look itself up while being built; a race only builds twice.
        shape = new TypeShape(type);
        return Cache.GetOrAdd(type, shape);
    }

    /// <summary>Whether <see cref="Zero"/> gives a JSON value (not for free-form JSON, times and unknown converters).</summary>
    public bool HasZero => Kind != ShapeKind.Scalar
        || Scalar is ScalarKind.String or ScalarKind.Bytes or ScalarKind.Bool or ScalarKind.Integer or ScalarKind.Float
            or ScalarKind.IntOrString or ScalarKind.Quantity;

    /// <summary>
    /// The JSON for the value Go's decoder leaves where a JSON null meets a non-pointer field, list item or map value
    /// (the Go zero value: "", 0, false, {}, []), or null when there is none. A fresh node on every call.
    /// </summary>
    public JsonNode? Zero(out bool exists)
    {
        exists = true;
        switch (Kind)
        {
            case ShapeKind.Object or ShapeKind.Map:
                return new JsonObject();
            case ShapeKind.List:
                return new JsonArray();
        }

        switch (Scalar)
        {
            case ScalarKind.String or ScalarKind.Bytes:
                return JsonValue.Create("");
            case ScalarKind.Bool:
                return JsonValue.Create(false);
            case ScalarKind.Integer or ScalarKind.Float or ScalarKind.IntOrString:
                return JsonValue.Create(0);
            case ScalarKind.Quantity:
                return JsonValue.Create("0");
            case ScalarKind.Any:
                return null;
            default:
                exists = false;
                return null;
        }
    }

    private static ScalarKind Classify(Type type)
    {
        if (type == typeof(string))
        {
            return ScalarKind.String;
        }

        if (type == typeof(bool))
        {
            return ScalarKind.Bool;
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
            || type == typeof(uint) || type == typeof(ushort) || type == typeof(sbyte))
        {
            return ScalarKind.Integer;
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return ScalarKind.Float;
        }

        if (type == typeof(IntOrString))
        {
            return ScalarKind.IntOrString;
        }

        if (type == typeof(Quantity))
        {
            return ScalarKind.Quantity;
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return ScalarKind.Time;
        }

        if (type == typeof(byte[]))
        {
            return ScalarKind.Bytes;
        }

        if (type == typeof(JsonObject))
        {
            return ScalarKind.AnyObject;
        }

        if (type == typeof(JsonElement) || typeof(JsonNode).IsAssignableFrom(type) || type == typeof(object))
        {
            return ScalarKind.Any;
        }

        return ScalarKind.Other;
    }

    private static (long Min, long Max) Range(Type type) =>
        type == typeof(int) ? (int.MinValue, int.MaxValue)
        : type == typeof(short) ? (short.MinValue, short.MaxValue)
        : type == typeof(byte) ? (byte.MinValue, byte.MaxValue)
        : type == typeof(sbyte) ? (sbyte.MinValue, sbyte.MaxValue)
        : type == typeof(ushort) ? (ushort.MinValue, ushort.MaxValue)
        : type == typeof(uint) ? (uint.MinValue, uint.MaxValue)
        : (long.MinValue, long.MaxValue);

    private static string ScalarName(Type type) =>
        type == typeof(int) ? "int32"
        : type == typeof(long) ? "int64"
        : type == typeof(short) ? "int16"
        : type == typeof(uint) ? "uint32"
        : type == typeof(double) ? "float64"
        : type == typeof(float) ? "float32"
        : type == typeof(bool) ? "bool"
        : type == typeof(string) ? "string"
        : type == typeof(byte[]) ? "[]byte"
        : type == typeof(DateTimeOffset) ? "Time"
        : type == typeof(IntOrString) ? "IntOrString"
        : type == typeof(Quantity) ? "Quantity"
        : type == typeof(JsonObject) ? "object"
        : type.Name;
}

/// <summary>One property of an object shape.</summary>
internal sealed class MemberShape(JsonPropertyInfo property)
{
    private readonly Type _type = property.PropertyType;
    private TypeShape? _shape;
    private int _filledWhenAbsent;

    public string Name { get; } = property.Name;

    /// <summary>
    /// Whether JSON null may be bound as is. Otherwise null means "unset" (Go's behaviour) and the member gets its
    /// zero value: a non-nullable property never receives null.
    /// </summary>
    public bool AcceptsNull { get; } = Nullable.GetUnderlyingType(property.PropertyType) is not null
        || (!property.PropertyType.IsValueType && property.IsSetNullable);

    /// <summary>A C# <c>required</c> member: when absent (or null) the serializer rejects the object.</summary>
    public bool IsRequired { get; } = property.IsRequired;

    /// <summary>
    /// A non-nullable, non-required reference member with a zero value (<c>ObjectMeta Metadata = new()</c>,
    /// <c>string Name = ""</c>, <c>IReadOnlyList&lt;Container&gt; Containers = []</c>). Such a member must be present
    /// in the JSON that is bound: the source generator binds init-only properties through an object initializer
    /// that assigns every one of them, so an absent member becomes null rather than keeping its initializer
    /// (dotnet/runtime#84484). Value types are not listed: for them the default the serializer leaves is the zero value.
    /// </summary>
    public bool FilledWhenAbsent
    {
        get
        {
            // 0 unknown, 1 no, 2 yes; resolved lazily because it needs the member's shape (types may be recursive).
            if (_filledWhenAbsent == 0)
            {
                var fill = !AcceptsNull && !IsRequired && !_type.IsValueType && Shape.HasZero;
                _filledWhenAbsent = fill ? 2 : 1;
            }

            return _filledWhenAbsent == 2;
        }
    }

    public TypeShape Shape => _shape ??= TypeShape.For(_type);
}
