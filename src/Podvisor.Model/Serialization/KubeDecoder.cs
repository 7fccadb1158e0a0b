using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podvisor.Model.Apps;
using Podvisor.Model.Core;
using Podvisor.Model.Discovery;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Serialization;

/// <summary>
/// Turns JSON objects into typed API objects the way the Kubernetes API server decodes request bodies:
/// unknown and repeated fields handled per <see cref="FieldValidation"/>, null read as "unset", and every
/// failure a <see cref="KubeDecodeException"/> whose message names the field path — never a raw
/// <see cref="JsonException"/>. The input object is never modified. Thread-safe.
/// </summary>
public static class KubeDecoder
{
    private static readonly FrozenDictionary<(string ApiVersion, string Kind), Type> Kinds = new Dictionary<(string, string), Type>
    {
        [("v1", Pod.KindName)] = typeof(Pod),
        [("v1", Service.KindName)] = typeof(Service),
        [("v1", Endpoints.KindName)] = typeof(Endpoints),
        [("v1", Namespace.KindName)] = typeof(Namespace),
        [("v1", Node.KindName)] = typeof(Node),
        [("v1", Event.KindName)] = typeof(Event),
        [("v1", ConfigMap.KindName)] = typeof(ConfigMap),
        [("v1", Secret.KindName)] = typeof(Secret),
        [("v1", "Status")] = typeof(Status),
        [("apps/v1", Deployment.KindName)] = typeof(Deployment),
        [("apps/v1", ReplicaSet.KindName)] = typeof(ReplicaSet),
        [("autoscaling/v1", "Scale")] = typeof(Scale),
        [("discovery.k8s.io/v1", EndpointSlice.KindName)] = typeof(EndpointSlice),
    }.ToFrozenDictionary();

    /// <summary>The record type registered for an apiVersion and kind, or null.</summary>
    public static Type? TypeFor(string apiVersion, string kind) => Kinds.GetValueOrDefault((apiVersion, kind));

    /// <summary>Parses the fieldValidation query value (case-sensitive, as Kubernetes); false for anything else.</summary>
    public static bool TryParseFieldValidation(string? value, out FieldValidation mode)
    {
        (var ok, mode) = value switch
        {
            "Ignore" => (true, FieldValidation.Ignore),
            "Warn" => (true, FieldValidation.Warn),
            "Strict" => (true, FieldValidation.Strict),
            _ => (false, FieldValidation.Strict),
        };
        return ok;
    }

    /// <summary>Decodes into <typeparamref name="T"/> whatever apiVersion and kind say (the caller has chosen the type).</summary>
    /// <param name="duplicateFields">Repeated keys found while parsing (<see cref="ManifestDocument.DuplicateFields"/>).</param>
    public static DecodeResult<T> Decode<T>(JsonObject obj, FieldValidation mode, IReadOnlyList<string>? duplicateFields = null)
        where T : class
    {
        var (value, warnings) = Decode(typeof(T), obj, mode, duplicateFields);
        return new DecodeResult<T>((T)value, warnings);
    }

    /// <summary>Decodes by apiVersion and kind into the registered type (Pod, Deployment, EndpointSlice, ...).</summary>
    public static DecodeResult<IKubernetesObject> Decode(JsonObject obj, FieldValidation mode, IReadOnlyList<string>? duplicateFields = null)
    {
        var apiVersion = TypeMetaField(obj, "apiVersion");
        var kind = TypeMetaField(obj, "kind");
        if (kind is null)
        {
            throw new KubeDecodeException(DecodeFailure.MissingTypeMeta, $"Object 'Kind' is missing in '{Abbreviate(obj)}'", ["kind"]);
        }

        if (apiVersion is null)
        {
            throw new KubeDecodeException(DecodeFailure.MissingTypeMeta, $"Object 'apiVersion' is missing in '{Abbreviate(obj)}'", ["apiVersion"]);
        }

        var type = TypeFor(apiVersion, kind)
            ?? throw new KubeDecodeException(
                DecodeFailure.UnknownKind, $"no kind \"{kind}\" is registered for version \"{apiVersion}\"", [$"{apiVersion}, Kind={kind}"]);
        var (value, warnings) = Decode(type, obj, mode, duplicateFields);
        return new DecodeResult<IKubernetesObject>((IKubernetesObject)value, warnings);
    }

    /// <summary>Decodes one document of a manifest by its apiVersion and kind, honouring its repeated keys.</summary>
    public static DecodeResult<IKubernetesObject> Decode(ManifestDocument document, FieldValidation mode) =>
        Decode(document.Object, mode, document.DuplicateFields);

    /// <summary>Paths of the fields in <paramref name="obj"/> that <paramref name="type"/> does not have.</summary>
    public static IReadOnlyList<string> UnknownFields(Type type, JsonObject obj) => FieldChecker.Check(obj, TypeShape.For(type)).Unknown;

    private static (object Value, IReadOnlyList<string> Warnings) Decode(
        Type type, JsonObject obj, FieldValidation mode, IReadOnlyList<string>? duplicateFields)
    {
        var typeInfo = ModelJsonContext.Default.GetTypeInfo(type)
            ?? throw new NotSupportedException($"{type.Name} is not an API type");
        var shape = TypeShape.For(type);
        var check = FieldChecker.Check(obj, shape);
        if (check.TypeErrors.Count > 0)
        {
            throw Failure(DecodeFailure.InvalidValue, type, obj, check.TypeErrors);
        }

        var problems = new List<string>();
        foreach (var path in duplicateFields ?? [])
        {
            problems.Add($"duplicate field \"{path}\"");
        }

        foreach (var path in check.Unknown)
        {
            problems.Add($"unknown field \"{path}\"");
        }

        if (mode == FieldValidation.Strict && problems.Count > 0)
        {
            throw Failure(DecodeFailure.StrictDecoding, type, obj, problems, "strict decoding error: ");
        }

        var source = obj;
        if (check.NeedsFix)
        {
            source = (JsonObject)obj.DeepClone();
            FieldChecker.Fix(source, shape);
        }

        object? value;
        try
        {
            value = source.Deserialize(typeInfo);
        }
        catch (JsonException e)
        {
            throw Failure(DecodeFailure.InvalidValue, type, obj, [Describe(e)]);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException or ArgumentException or NotSupportedException)
        {
            throw Failure(DecodeFailure.InvalidValue, type, obj, [$"json: {e.Message}"]);
        }

        return (value ?? throw Failure(DecodeFailure.InvalidValue, type, obj, ["json: null is not an object"]),
            mode == FieldValidation.Warn ? problems : []);
    }

    private static string? TypeMetaField(JsonObject obj, string name)
    {
        var node = obj[name];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            throw new KubeDecodeException(
                DecodeFailure.MissingTypeMeta, $"json: cannot unmarshal {node.GetValueKind().ToString().ToLowerInvariant()} into field \"{name}\" of type string", [name]);
        }

        var s = node.GetValue<string>();
        return s.Length == 0 ? null : s;
    }

    private static KubeDecodeException Failure(DecodeFailure failure, Type type, JsonObject obj, List<string> causes, string prefix = "")
    {
        var kind = obj["kind"] is JsonValue k && k.TryGetValue(out string? ks) && ks.Length > 0 ? ks : type.Name;
        var apiVersion = obj["apiVersion"] is JsonValue v && v.TryGetValue(out string? vs) && vs.Length > 0 ? vs : null;
        var head = apiVersion is null
            ? $"{kind} cannot be handled as a {kind}"
            : $"{kind} in version \"{apiVersion[(apiVersion.LastIndexOf('/') + 1)..]}\" cannot be handled as a {kind}";
        return new KubeDecodeException(failure, $"{head}: {prefix}{string.Join(", ", causes)}", causes);
    }

    /// <summary>A serializer error as "json: cannot decode field "spec.x": reason", without its internal positions.</summary>
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        var path = e.Path is { Length: > 0 } p ? p.TrimStart('$').TrimStart('.') : "";
        message = message.TrimEnd('.', ' ');
        return path.Length > 0 ? $"json: cannot decode field \"{path}\": {message}" : $"json: {message}";
    }

    /// <summary>
    /// The object's JSON cut to 200 characters. A tree too deep for the JSON writer (which stops at depth 1000, so
    /// this never recurses further) is shown by its top-level keys instead.
    /// </summary>
    private static string Abbreviate(JsonObject obj)
    {
        string s;
        try
        {
            s = obj.ToJsonString();
        }
        catch (InvalidOperationException)
        {
            s = "{" + string.Join(",", obj.Select(p => $"\"{p.Key}\":...")) + "}";
        }

        return s.Length <= 200 ? s : s[..200] + "...";
    }
}
