namespace Podvisor.Store;

/// <summary>The resource types Podvisor serves: one list shared by the API server and the in-process client.</summary>
public static class KnownResourceTypes
{
    public static readonly ResourceType Pods = new("", "v1", "pods", "Pod", Namespaced: true, GracefulDelete: true);
    public static readonly ResourceType Services = new("", "v1", "services", "Service", Namespaced: true);
    public static readonly ResourceType Endpoints = new("", "v1", "endpoints", "Endpoints", Namespaced: true, HasStatus: false);
    public static readonly ResourceType Namespaces = new("", "v1", "namespaces", "Namespace", Namespaced: false);
    public static readonly ResourceType Nodes = new("", "v1", "nodes", "Node", Namespaced: false);
    public static readonly ResourceType Events = new("", "v1", "events", "Event", Namespaced: true, HasStatus: false);
    public static readonly ResourceType ConfigMaps = new("", "v1", "configmaps", "ConfigMap", Namespaced: true, HasStatus: false);
    public static readonly ResourceType Secrets = new("", "v1", "secrets", "Secret", Namespaced: true, HasStatus: false);
    public static readonly ResourceType Deployments = new("apps", "v1", "deployments", "Deployment", Namespaced: true);
    public static readonly ResourceType ReplicaSets = new("apps", "v1", "replicasets", "ReplicaSet", Namespaced: true);
    public static readonly ResourceType EndpointSlices = new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", Namespaced: true, HasStatus: false);
    public static readonly ResourceType Leases = new("coordination.k8s.io", "v1", "leases", "Lease", Namespaced: true, HasStatus: false);

    public static IReadOnlyList<ResourceType> All { get; } =
        [Pods, Services, Endpoints, Namespaces, Nodes, Events, ConfigMaps, Secrets, Deployments, ReplicaSets, EndpointSlices, Leases];

    public static ResourceType? ByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(t => t.Kind == kind && t.ApiVersion == apiVersion);

    public static ResourceType? ByResource(string group, string resource) =>
        All.FirstOrDefault(t => t.Group == group && t.Resource == resource);
}
