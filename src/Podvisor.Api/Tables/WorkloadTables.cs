using System.Text.Json.Nodes;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Tables;

/// <summary>Deployments: NAME READY UP-TO-DATE AVAILABLE AGE | CONTAINERS IMAGES SELECTOR.</summary>
public sealed class DeploymentTable : ITableConverter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Col.Name,
        Col.Str("Ready", "Number of the pod with ready state"),
        Col.Int("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
        Col.Int("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
        Col.Age,
        Col.Str("Containers", "Names of each container in the template.", 1),
        Col.Str("Images", "Images referenced by each container in the template.", 1),
        Col.Str("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1),
    ];

    public JsonNode?[] Cells(JsonObject d, DateTimeOffset now) =>
    [
        Col.NameOf(d),
        $"{Json.Long(d, "status", "readyReplicas") ?? 0}/{Json.Long(d, "spec", "replicas") ?? 0}",
        Json.Long(d, "status", "updatedReplicas") ?? 0,
        Json.Long(d, "status", "availableReplicas") ?? 0,
        Col.AgeOf(d, now),
        Template.Containers(d),
        Template.Images(d),
        Template.Selector(Json.Obj(d, "spec", "selector")),
    ];
}

/// <summary>ReplicaSets: NAME DESIRED CURRENT READY AGE | CONTAINERS IMAGES SELECTOR.</summary>
public sealed class ReplicaSetTable : ITableConverter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Col.Name,
        Col.Int("Desired", "Replicas is the number of desired pods."),
        Col.Int("Current", "Replicas is the most recently observed number of replicas."),
        Col.Int("Ready", "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
        Col.Age,
        Col.Str("Containers", "Names of each container in the template.", 1),
        Col.Str("Images", "Images referenced by each container in the template.", 1),
        Col.Str("Selector", "A label query over pods that should match the replica count.", 1),
    ];

    public JsonNode?[] Cells(JsonObject rs, DateTimeOffset now) =>
    [
        Col.NameOf(rs),
        Json.Long(rs, "spec", "replicas") ?? 0,
        Json.Long(rs, "status", "replicas") ?? 0,
        Json.Long(rs, "status", "readyReplicas") ?? 0,
        Col.AgeOf(rs, now),
        Template.Containers(rs),
        Template.Images(rs),
        Template.Selector(Json.Obj(rs, "spec", "selector")),
    ];
}

internal static class Template
{
    public static string Containers(JsonObject o) =>
        string.Join(',', Json.Objects(o, "spec", "template", "spec", "containers").Select(c => Json.Str(c, "name") ?? ""));

    public static string Images(JsonObject o) =>
        string.Join(',', Json.Objects(o, "spec", "template", "spec", "containers").Select(c => Json.Str(c, "image") ?? ""));

    /// <summary>metav1.LabelSelectorAsSelector(...).String(): sorted requirements, "&lt;none&gt;" when empty.</summary>
    public static string Selector(JsonObject? selector)
    {
        if (selector is null)
        {
            return "<none>";
        }

        var parts = new List<(string Key, string Text)>();
        foreach (var (k, v) in Json.Obj(selector, "matchLabels") ?? [])
        {
            parts.Add((k, $"{k}={Json.Str(v)}"));
        }

        foreach (var e in Json.Objects(selector, "matchExpressions"))
        {
            var key = Json.Str(e, "key") ?? "";
            var values = string.Join(',', (Json.Arr(e, "values") ?? []).Select(v => Json.Str(v) ?? "").Order(StringComparer.Ordinal));
            parts.Add((key, Json.Str(e, "operator") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key,
                "DoesNotExist" => "!" + key,
                var op => $"{key} {op} ({values})",
            }));
        }

        return parts.Count == 0 ? "<none>" : string.Join(',', parts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Text));
    }
}
