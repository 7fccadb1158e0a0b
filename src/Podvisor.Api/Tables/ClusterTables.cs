using System.Text.Json.Nodes;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Tables;

/// <summary>Namespaces: NAME STATUS AGE.</summary>
public sealed class NamespaceTable : ITableConverter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
        [Col.Name, Col.Str("Status", "The status of the namespace"), Col.Age];

    public JsonNode?[] Cells(JsonObject ns, DateTimeOffset now) =>
        [Col.NameOf(ns), Json.Str(ns, "status", "phase") ?? "", Col.AgeOf(ns, now)];
}

/// <summary>Nodes: NAME STATUS ROLES AGE VERSION | INTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME.</summary>
public sealed class NodeTable : ITableConverter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Col.Name,
        Col.Str("Status", "The status of the node"),
        Col.Str("Roles", "The roles of the node"),
        Col.Age,
        Col.Str("Version", "Kubelet Version reported by the node."),
        Col.Str("Internal-IP", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1),
        Col.Str("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
        Col.Str("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
        Col.Str("Container-Runtime", "Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1),
    ];

    public JsonNode?[] Cells(JsonObject node, DateTimeOffset now)
    {
        var ready = Json.Objects(node, "status", "conditions").FirstOrDefault(c => Json.Str(c, "type") == "Ready");
        var status = ready is null ? "Unknown" : Json.Str(ready, "status") == "True" ? "Ready" : "NotReady";
        if (Json.Bool(node, "spec", "unschedulable") == true)
        {
            status += ",SchedulingDisabled";
        }

        const string rolePrefix = "node-role.kubernetes.io/";
        var roles = (Json.Obj(node, "metadata", "labels") ?? []).Select(l => l.Key)
            .Where(k => k.StartsWith(rolePrefix, StringComparison.Ordinal) && k.Length > rolePrefix.Length)
            .Select(k => k[rolePrefix.Length..]).Order(StringComparer.Ordinal).ToList();
        var internalIp = Json.Objects(node, "status", "addresses").Where(a => Json.Str(a, "type") == "InternalIP")
            .Select(a => Json.Str(a, "address")).FirstOrDefault();
        return
        [
            Col.NameOf(node),
            status,
            roles.Count == 0 ? "<none>" : string.Join(',', roles),
            Col.AgeOf(node, now),
            Json.Str(node, "status", "nodeInfo", "kubeletVersion") ?? "",
            Col.OrNone(internalIp),
            Json.Str(node, "status", "nodeInfo", "osImage") ?? "<unknown>",
            Json.Str(node, "status", "nodeInfo", "kernelVersion") ?? "<unknown>",
            Json.Str(node, "status", "nodeInfo", "containerRuntimeVersion") ?? "<unknown>",
        ];
    }
}

/// <summary>core/v1 Events: LAST SEEN TYPE REASON OBJECT MESSAGE.</summary>
public sealed class EventTable : ITableConverter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Col.Str("Last Seen", "Time when last event occurred"),
        Col.Str("Type", "Type of this event (Normal, Warning), new types could be added in the future."),
        Col.Str("Reason", "Why the action was taken."),
        Col.Str("Object", "The object that this event is about."),
        Col.Str("Message", "A human-readable description of the status of this operation."),
    ];

    public JsonNode?[] Cells(JsonObject ev, DateTimeOffset now)
    {
        var last = Json.Time(ev, "lastTimestamp") ?? Json.Time(ev, "eventTime") ?? Json.Time(ev, "metadata", "creationTimestamp");
        var kind = (Json.Str(ev, "involvedObject", "kind") ?? "").ToLowerInvariant();
        return
        [
            HumanDuration.Since(last, now),
            Json.Str(ev, "type") ?? "",
            Json.Str(ev, "reason") ?? "",
            $"{kind}/{Json.Str(ev, "involvedObject", "name")}",
            (Json.Str(ev, "message") ?? "").Trim(),
        ];
    }
}

/// <summary>ConfigMaps: NAME DATA AGE; Secrets: NAME TYPE DATA AGE.</summary>
public sealed class ConfigDataTable(bool secret) : ITableConverter
{
    public IReadOnlyList<TableColumn> Columns { get; } = secret
        ? [Col.Name, Col.Str("Type", "The type of the secret"), Col.Int("Data", "The number of entries in the data"), Col.Age]
        : [Col.Name, Col.Int("Data", "Number of data in configmap"), Col.Age];

    public JsonNode?[] Cells(JsonObject o, DateTimeOffset now)
    {
        var count = (Json.Obj(o, "data")?.Count ?? 0) + (Json.Obj(o, "binaryData")?.Count ?? 0);
        return secret
            ? [Col.NameOf(o), Json.Str(o, "type") ?? "Opaque", count, Col.AgeOf(o, now)]
            : [Col.NameOf(o), count, Col.AgeOf(o, now)];
    }
}
