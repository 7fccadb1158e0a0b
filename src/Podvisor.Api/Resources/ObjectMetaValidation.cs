using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Podvisor.Api.Resources;

/// <summary>
/// The checks the API server makes on every kind before typed validation: the shape of metadata (wrong JSON types are a
/// decoding error, 400) and the values of name, labels and annotations (422 causes), as apimachinery's ValidateObjectMeta.
/// </summary>
internal static partial class ObjectMetaValidation
{
    public static readonly IReadOnlySet<string> KnownMetadataFields = new HashSet<string>
    {
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    };

    private const string Dns1123SubdomainError =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string Dns1123LabelError =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private const string Dns1035LabelError =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    /// <summary>A decoding error message (wrong JSON type somewhere Kubernetes has a fixed type), or null.</summary>
    public static string? ShapeError(ResourceStrategy strategy, JsonObject obj)
    {
        foreach (var key in new[] { "apiVersion", "kind" })
        {
            if (obj[key] is { } v && !IsString(v))
            {
                return $"json: cannot unmarshal {KindOf(v)} into Go struct field .{key} of type string";
            }
        }

        if (obj["metadata"] is { } m && m is not JsonObject)
        {
            return $"json: cannot unmarshal {KindOf(m)} into Go struct field {strategy.Type.Kind}.metadata of type v1.ObjectMeta";
        }

        if (obj["metadata"] is JsonObject meta)
        {
            foreach (var field in new[] { "name", "generateName", "namespace", "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp" })
            {
                if (meta[field] is { } v && !IsString(v))
                {
                    return $"json: cannot unmarshal {KindOf(v)} into Go struct field ObjectMeta.metadata.{field} of type string";
                }
            }

            foreach (var field in new[] { "labels", "annotations" })
            {
                if (meta[field] is { } v && (v is not JsonObject map || map.Any(p => p.Value is not null && !IsString(p.Value))))
                {
                    return $"json: cannot unmarshal {KindOf(v)} into Go struct field ObjectMeta.metadata.{field} of type map[string]string";
                }
            }

            if (meta["finalizers"] is { } f && (f is not JsonArray fa || fa.Any(i => i is null || !IsString(i))))
            {
                return "json: cannot unmarshal into Go struct field ObjectMeta.metadata.finalizers of type []string";
            }

            if (meta["ownerReferences"] is { } o && (o is not JsonArray oa || oa.Any(i => i is not JsonObject)))
            {
                return "json: cannot unmarshal into Go struct field ObjectMeta.metadata.ownerReferences of type []v1.OwnerReference";
            }

            if (meta["generation"] is { } g && Json.Long(g) is null)
            {
                return "json: cannot unmarshal into Go struct field ObjectMeta.metadata.generation of type int64";
            }
        }

        foreach (var field in new[] { "spec", "status", "data", "stringData", "binaryData", "involvedObject", "source" })
        {
            if (strategy.TopLevelFields?.Contains(field) == true && obj[field] is { } v && v is not JsonObject)
            {
                return $"json: cannot unmarshal {KindOf(v)} into Go struct field {strategy.Type.Kind}.{field} of type object";
            }
        }

        return null;
    }

    /// <summary>Unknown top-level and metadata fields, as dotted paths.</summary>
    public static IEnumerable<string> UnknownFields(ResourceStrategy strategy, JsonObject obj)
    {
        if (strategy.TopLevelFields is { } known)
        {
            foreach (var key in obj.Select(p => p.Key))
            {
                if (key is not ("apiVersion" or "kind" or "metadata") && !known.Contains(key))
                {
                    yield return key;
                }
            }
        }

        foreach (var key in (obj["metadata"] as JsonObject)?.Select(p => p.Key) ?? [])
        {
            if (!KnownMetadataFields.Contains(key))
            {
                yield return "metadata." + key;
            }
        }
    }

    public static List<FieldError> Validate(ResourceStrategy strategy, JsonObject obj)
    {
        var errors = new List<FieldError>();
        var meta = obj["metadata"] as JsonObject;
        var name = Json.Str(meta, "name");
        if (string.IsNullOrEmpty(name))
        {
            if (string.IsNullOrEmpty(Json.Str(meta, "generateName")))
            {
                errors.Add(new FieldError("FieldValueRequired", "metadata.name", "Required value: name or generateName is required"));
            }
        }
        else
        {
            var (ok, message) = strategy.Type.Resource switch
            {
                "namespaces" => (Dns1123Label().IsMatch(name) && name.Length <= 63, Dns1123LabelError),
                "services" => (Dns1035Label().IsMatch(name) && name.Length <= 63, Dns1035LabelError),
                _ => (Dns1123Subdomain().IsMatch(name) && name.Length <= 253, Dns1123SubdomainError),
            };
            if (!ok)
            {
                errors.Add(FieldError.Invalid("metadata.name", name, message));
            }
        }

        foreach (var (key, value) in Json.Obj(meta, "labels") ?? [])
        {
            if (!IsQualifiedName(key))
            {
                errors.Add(FieldError.Invalid("metadata.labels", key,
                    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
            }

            var text = Json.Str(value) ?? "";
            if (text.Length > 63 || (text.Length > 0 && !LabelValue().IsMatch(text)))
            {
                errors.Add(FieldError.Invalid($"metadata.labels", text,
                    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
            }
        }

        var annotationBytes = (Json.Obj(meta, "annotations") ?? []).Sum(p => p.Key.Length + (Json.Str(p.Value)?.Length ?? 0));
        if (annotationBytes > 256 * 1024)
        {
            errors.Add(new FieldError("FieldValueTooLong", "metadata.annotations", "Too long: must have at most 262144 bytes"));
        }

        return errors;
    }

    private static bool IsQualifiedName(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || prefix.Length > 253 || !Dns1123Subdomain().IsMatch(prefix))
            {
                return false;
            }
        }

        return name.Length is > 0 and <= 63 && LabelValue().IsMatch(name);
    }

    private static bool IsString(JsonNode n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    private static string KindOf(JsonNode n) => n switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "string",
        },
        _ => "value",
    };

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex LabelValue();
}
