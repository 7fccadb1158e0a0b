using System.Text.Json.Nodes;
using Podvisor.Api.Tables;
using Podvisor.Store;

namespace Podvisor.Api.Resources;

/// <summary>The built-in kinds: core/v1, apps/v1 and discovery.k8s.io/v1, with Kubernetes' discovery facts.</summary>
public static class BuiltInResources
{
    public static ResourceStrategy Pods { get; } = new()
    {
        Type = KnownResourceTypes.Pods,
        Singular = "pod",
        ShortNames = ["po"],
        Categories = ["all"],
        Subresources =
        [
            new("attach", "", "v1", "PodAttachOptions", ["create", "get"]),
            new("exec", "", "v1", "PodExecOptions", ["create", "get"]),
            new("log", "", "v1", "Pod", ["get"]),
            new("portforward", "", "v1", "PodPortForwardOptions", ["create", "get"]),
            new("status", "", "v1", "Pod", ["get", "patch", "update"]),
        ],
        Table = new PodTable(),
        TopLevelFields = Fields("spec", "status"),
        PrepareForCreate = o => WithStatus(o, new JsonObject { ["phase"] = "Pending" }),
        ResolveGracePeriod = PodGracePeriod,
    };

    public static ResourceStrategy Namespaces { get; } = new()
    {
        Type = KnownResourceTypes.Namespaces,
        Singular = "namespace",
        ShortNames = ["ns"],
        Verbs = ["create", "delete", "get", "list", "patch", "update", "watch"],
        Subresources = [Status("", "v1", "Namespace")],
        Table = new NamespaceTable(),
        TopLevelFields = Fields("spec", "status"),
        PrepareForCreate = o =>
        {
            var created = WithStatus(o, new JsonObject { ["phase"] = "Active" });
            Json.EnsureObject(created, "spec")["finalizers"] = new JsonArray("kubernetes");
            return created;
        },
    };

    /// <summary>Every built-in kind, with the typed model's defaulting and validation where the model types it.</summary>
    public static ResourceRegistry CreateRegistry() => new(Strategies().Select(
        s => ModelAdmission.For(s.Type.ApiVersion, s.Type.Kind) is { } admission ? s with { Admission = admission } : s));

    private static IEnumerable<ResourceStrategy> Strategies() =>
    [
        Pods,
        Core("services", "Service", "service", ["svc"], ["all"], new ServiceTable(), Fields("spec", "status"), hasStatus: true),
        Core("endpoints", "Endpoints", "endpoints", ["ep"], [], new EndpointsTable(), Fields("subsets"), hasStatus: false),
        Namespaces,
        Core("nodes", "Node", "node", ["no"], [], new NodeTable(), Fields("spec", "status"), hasStatus: true, namespaced: false),
        Core("events", "Event", "event", ["ev"], [], new EventTable(),
            Fields("involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime",
                "series", "action", "related", "reportingComponent", "reportingInstance"), hasStatus: false),
        Core("configmaps", "ConfigMap", "configmap", ["cm"], [], new ConfigDataTable(secret: false), Fields("data", "binaryData", "immutable"), hasStatus: false),
        Core("secrets", "Secret", "secret", [], [], new ConfigDataTable(secret: true), Fields("data", "stringData", "type", "immutable"), hasStatus: false),
        Workload("deployments", "Deployment", "deployment", ["deploy"], new DeploymentTable()),
        Workload("replicasets", "ReplicaSet", "replicaset", ["rs"], new ReplicaSetTable()),
        new ResourceStrategy
        {
            Type = KnownResourceTypes.EndpointSlices,
            Singular = "endpointslice",
            TopLevelFields = Fields("addressType", "endpoints", "ports"),
        },
        new ResourceStrategy
        {
            Type = KnownResourceTypes.Leases,
            Singular = "lease",
            TopLevelFields = Fields("spec"),
        },
    ];

    private static ResourceStrategy Core(
        string resource, string kind, string singular, IReadOnlyList<string> shortNames, IReadOnlyList<string> categories,
        ITableConverter table, IReadOnlySet<string> fields, bool hasStatus, bool namespaced = true) => new()
    {
        Type = KnownResourceTypes.ByResource("", resource) ?? new ResourceType("", "v1", resource, kind, namespaced, HasStatus: hasStatus),
        Singular = singular,
        ShortNames = shortNames,
        Categories = categories,
        Subresources = hasStatus ? [Status("", "v1", kind)] : [],
        Table = table,
        TopLevelFields = fields,
        PrepareForCreate = resource == "services" ? o => WithStatus(o, new JsonObject { ["loadBalancer"] = new JsonObject() }) : null,
    };

    private static ResourceStrategy Workload(string resource, string kind, string singular, IReadOnlyList<string> shortNames, ITableConverter table) => new()
    {
        Type = KnownResourceTypes.ByResource("apps", resource) ?? new ResourceType("apps", "v1", resource, kind, Namespaced: true),
        Singular = singular,
        ShortNames = shortNames,
        Categories = ["all"],
        Subresources =
        [
            new("scale", "autoscaling", "v1", "Scale", ["get", "patch", "update"]),
            Status("apps", "v1", kind),
        ],
        Table = table,
        TopLevelFields = Fields("spec", "status"),
        PrepareForCreate = o => WithStatus(o, null),
    };

    private static SubresourceInfo Status(string group, string version, string kind) => new("status", group, version, kind, ["get", "patch", "update"]);

    private static HashSet<string> Fields(params string[] names) => [.. names];

    private static JsonObject WithStatus(JsonObject o, JsonObject? status)
    {
        var copy = (JsonObject)o.DeepClone();
        copy.Remove("status");
        if (status is not null)
        {
            copy["status"] = status;
        }

        return copy;
    }

    private static long? PodGracePeriod(JsonObject pod, long? requested)
    {
        if (string.IsNullOrEmpty(Json.Str(pod, "spec", "nodeName")) || Json.Str(pod, "status", "phase") is "Succeeded" or "Failed")
        {
            return 0;
        }

        return requested ?? Json.Long(pod, "spec", "terminationGracePeriodSeconds") ?? 30;
    }
}
