using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Podvisor.Model.Meta;
using static Google.Protobuf.WireFormat;

namespace Podvisor.Api.Endpoints.Protobuf;

/// <summary>
/// Decodes a Kubernetes protobuf body (<c>k8s\0</c> + runtime.Unknown) into the JSON object the same request would
/// carry as <c>application/json</c>, so admission and storage see no difference.
/// </summary>
internal static class ProtobufBody
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private const long GoZeroTimeUnixSeconds = -62135596800;

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>Throws ApiError 400 on malformed protobuf, 415 for a kind or content encoding the schema does not cover.</summary>
    public static JsonObject Parse(byte[] body)
    {
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw ApiError.BadRequest("invalid protobuf body: it does not start with the Kubernetes prefix \"k8s\\x00\"");
        }

        try
        {
            var unknown = ReadUnknown(new CodedInputStream(body, Magic.Length, body.Length - Magic.Length));
            if (unknown.Kind.Length == 0)
            {
                throw ApiError.BadRequest("invalid protobuf body: Object 'Kind' is missing");
            }

            if (unknown.ContentEncoding.Length > 0 || !ProtobufSchema.Kinds.TryGetValue($"{unknown.ApiVersion}/{unknown.Kind}", out var message))
            {
                throw RequestBody.UnsupportedMediaType();
            }

            var obj = new JsonObject { ["apiVersion"] = unknown.ApiVersion, ["kind"] = unknown.Kind };
            ReadMessage(unknown.Raw, ProtobufSchema.Messages[message], obj);
            return obj;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw ApiError.BadRequest($"invalid protobuf body: {e.Message}");
        }
    }

    private readonly record struct Unknown(string ApiVersion, string Kind, byte[] Raw, string ContentEncoding);

    private static Unknown ReadUnknown(CodedInputStream input)
    {
        var typeMeta = new JsonObject();
        var raw = Array.Empty<byte>();
        var encoding = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (GetTagFieldNumber(tag))
            {
                case 1:
                    Expect(tag, WireType.LengthDelimited, "Unknown.typeMeta");
                    ReadMessage(input.ReadBytes().ToByteArray(), TypeMeta, typeMeta);
                    break;
                case 2:
                    Expect(tag, WireType.LengthDelimited, "Unknown.raw");
                    raw = input.ReadBytes().ToByteArray();
                    break;
                case 3:
                    Expect(tag, WireType.LengthDelimited, "Unknown.contentEncoding");
                    encoding = input.ReadString();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return new Unknown(Str(typeMeta, "apiVersion"), Str(typeMeta, "kind"), raw, encoding);
    }

    private static readonly ProtoMessage TypeMeta = new("TypeMeta", new Dictionary<int, ProtoField>
    {
        [1] = new(1, "apiVersion", ProtoKind.String),
        [2] = new(2, "kind", ProtoKind.String),
    }.ToFrozenDictionary());

    private static void ReadMessage(byte[] data, ProtoMessage schema, JsonObject target)
    {
        var input = new CodedInputStream(data);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (schema.Fields.TryGetValue(GetTagFieldNumber(tag), out var field))
            {
                ReadField(input, tag, schema, field, target);
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    private static void ReadField(CodedInputStream input, uint tag, ProtoMessage schema, ProtoField field, JsonObject target)
    {
        var isVarint = field.Kind is ProtoKind.Int32 or ProtoKind.Int64 or ProtoKind.Bool;
        var wire = GetTagWireType(tag);
        if (isVarint && field.Repeated && wire == WireType.LengthDelimited)
        {
            var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
            while (!packed.IsAtEnd)
            {
                Append(target, field.Name, ReadVarint(packed, field.Kind).Value);
            }

            return;
        }

        Expect(tag, isVarint ? WireType.Varint : WireType.LengthDelimited, $"{schema.Name}.{field.Name}");
        JsonNode? value;
        bool isZero;
        switch (field.Kind)
        {
            case ProtoKind.Int32 or ProtoKind.Int64 or ProtoKind.Bool:
                (value, isZero) = ReadVarint(input, field.Kind);
                break;
            case ProtoKind.String:
                var s = input.ReadString();
                (value, isZero) = (s, s.Length == 0);
                break;
            case ProtoKind.Bytes:
                var b = input.ReadBytes();
                (value, isZero) = (b.ToBase64(), b.IsEmpty);
                break;
            case ProtoKind.Message:
                var bytes = input.ReadBytes().ToByteArray();
                var message = ProtobufSchema.Messages[field.Message!];
                if (!field.Repeated && target[field.Name] is JsonObject existing)
                {
                    ReadMessage(bytes, message, existing);
                    return;
                }

                var nested = new JsonObject();
                ReadMessage(bytes, message, nested);
                (value, isZero) = (nested, false);
                break;
            case ProtoKind.Inline:
                ReadMessage(input.ReadBytes().ToByteArray(), ProtobufSchema.Messages[field.Message!], target);
                return;
            case ProtoKind.Time:
                (value, isZero) = ReadTime(input.ReadBytes().ToByteArray());
                break;
            case ProtoKind.IntOrString:
                (value, isZero) = ReadIntOrString(input.ReadBytes().ToByteArray());
                break;
            case ProtoKind.Quantity:
                var q = Str(Decode(input.ReadBytes().ToByteArray(), ProtobufSchema.QuantityMessage), "string");
                (value, isZero) = (q.Length == 0 ? "0" : q, q.Length == 0);
                break;
            case ProtoKind.Map:
                var entry = Decode(input.ReadBytes().ToByteArray(), ProtobufSchema.MapEntry(field.Value));
                if (target[field.Name] is not JsonObject map)
                {
                    map = [];
                    target[field.Name] = map;
                }

                map[Str(entry, "key")] = entry["value"]?.DeepClone() ?? (field.Value == ProtoKind.Quantity ? "0" : "");
                return;
            default:
                throw new InvalidOperationException($"unhandled protobuf kind {field.Kind}");
        }

        if (field.Repeated)
        {
            Append(target, field.Name, value);
        }
        else if (field.Pointer || !isZero)
        {
            target[field.Name] = value;
        }
    }

    private static (JsonNode Value, bool IsZero) ReadVarint(CodedInputStream input, ProtoKind kind)
    {
        switch (kind)
        {
            case ProtoKind.Int32:
                var i = input.ReadInt32();
                return (i, i == 0);
            case ProtoKind.Int64:
                var l = input.ReadInt64();
                return (l, l == 0);
            default:
                var b = input.ReadBool();
                return (b, !b);
        }
    }

    private static (JsonNode? Value, bool IsZero) ReadTime(byte[] data)
    {
        var t = Decode(data, ProtobufSchema.TimeMessage);
        var seconds = t["seconds"]?.GetValue<long>() ?? 0;
        var nanos = t["nanos"]?.GetValue<int>() ?? 0;
        if ((seconds == 0 && nanos == 0) || (seconds == GoZeroTimeUnixSeconds && nanos == 0))
        {
            return (null, true);
        }

        if (seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            throw ApiError.BadRequest($"invalid protobuf body: time seconds {seconds} out of range");
        }

        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
        return (time.ToString(Rfc3339JsonConverter.Format, CultureInfo.InvariantCulture), false);
    }

    private static (JsonNode Value, bool IsZero) ReadIntOrString(byte[] data)
    {
        var v = Decode(data, ProtobufSchema.IntOrStringMessage);
        if ((v["type"]?.GetValue<long>() ?? 0) == 1)
        {
            return (Str(v, "strVal"), false);
        }

        var i = v["intVal"]?.GetValue<int>() ?? 0;
        return (i, i == 0);
    }

    private static JsonObject Decode(byte[] data, string message)
    {
        var obj = new JsonObject();
        ReadMessage(data, ProtobufSchema.Messages[message], obj);
        return obj;
    }

    private static void Append(JsonObject target, string name, JsonNode? value)
    {
        if (target[name] is not JsonArray array)
        {
            array = [];
            target[name] = array;
        }

        array.Add(value);
    }

    private static string Str(JsonObject obj, string name) => obj[name]?.GetValue<string>() ?? "";

    private static void Expect(uint tag, WireType expected, string field)
    {
        var actual = GetTagWireType(tag);
        if (actual != expected)
        {
            throw ApiError.BadRequest($"invalid protobuf body: field {field} (number {GetTagFieldNumber(tag)}) has wire type {actual}, expected {expected}");
        }
    }
}
