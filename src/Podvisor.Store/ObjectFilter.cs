using System.Text.Json.Nodes;
using Podvisor.Model.Selection;

namespace Podvisor.Store;

/// <summary>A list/watch's label and field selector, bound to a kind's supported fields.</summary>
internal sealed class ObjectFilter
{
    private static readonly string[] CommonFields = ["metadata.name", "metadata.namespace"];

    private static readonly Dictionary<(string Group, string Resource), string[]> KindFields = new()
    {
        [("", "pods")] = ["spec.nodeName", "status.phase", "spec.restartPolicy", "spec.schedulerName", "status.podIP", "spec.serviceAccountName", "status.nominatedNodeName"],
        [("", "events")] =
        [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "source", "type",
            "reportingComponent",
        ],
        [("", "secrets")] = ["type"],
        [("", "namespaces")] = ["status.phase"],
        [("", "nodes")] = ["spec.unschedulable"],
        [("apps", "replicasets")] = ["status.replicas"],
    };

    private readonly LabelSelector _labels;
    private readonly FieldSelector _fields;

    private ObjectFilter(LabelSelector labels, FieldSelector fields)
    {
        _labels = labels;
        _fields = fields;
    }

    public bool IsEverything => _labels.IsEverything && _fields.IsEverything;

    /// <exception cref="StoreException">BadRequest: an invalid selector or a field the kind does not support.</exception>
    public static ObjectFilter Create(ResourceType type, string? labelSelector, string? fieldSelector)
    {
        LabelSelector labels;
        FieldSelector fields;
        try
        {
            labels = LabelSelector.Parse(labelSelector);
            fields = FieldSelector.Parse(fieldSelector);
        }
        catch (FormatException e)
        {
            throw new StoreException(StoreErrorReason.BadRequest, e.Message);
        }

        foreach (var field in fields.Fields)
        {
            if (!CommonFields.Contains(field) && !(KindFields.TryGetValue((type.Group, type.Resource), out var extra) && extra.Contains(field)))
            {
                throw new StoreException(StoreErrorReason.BadRequest, $"field label not supported: {field}");
            }
        }

        return new ObjectFilter(labels, fields);
    }

    public bool Matches(JsonObject obj)
    {
        if (!_labels.IsEverything && !_labels.Matches(Labels(obj)))
        {
            return false;
        }

        return _fields.IsEverything || _fields.Matches(field => FieldValue(obj, field));
    }

    private static Dictionary<string, string>? Labels(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject meta || meta["labels"] is not JsonObject labels)
        {
            return null;
        }

        var result = new Dictionary<string, string>(labels.Count, StringComparer.Ordinal);
        foreach (var (k, v) in labels)
        {
            if (v is JsonValue value && value.TryGetValue<string>(out var s))
            {
                result[k] = s;
            }
        }

        return result;
    }

    /// <summary>The value of a dotted field path; Event's "source" is source.component, as in Kubernetes.</summary>
    internal static string? FieldValue(JsonObject obj, string field)
    {
        if (field == "source")
        {
            field = "source.component";
        }

        JsonNode? node = obj;
        foreach (var part in field.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return null;
            }
        }

        return node switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            null => null,
            _ => node.ToJsonString(),
        };
    }
}
