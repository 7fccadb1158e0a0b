using Podvisor.Model.Apps;
using Podvisor.Model.Core;
using Podvisor.Model.Discovery;
using Podvisor.Store;

namespace Podvisor.Client.InProcess;

/// <summary>
/// The client for code running in the same process as the store: no HTTP, no serialisation to bytes, only
/// typed ↔ JSON-tree conversion. Thread-safe; holds no state of its own, so one instance is shared by all parts.
/// The store's lifetime belongs to the caller.
/// </summary>
public sealed class InProcessClient : IPodvisorClient
{
    public InProcessClient(IResourceStore store, IClientAdmission? admission = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        var a = admission ?? NoAdmission.Instance;
        Pods = new InProcessResourceClient<Pod>(store, KnownResourceTypes.Pods, a);
        Services = new InProcessResourceClient<Service>(store, KnownResourceTypes.Services, a);
        Endpoints = new InProcessResourceClient<Endpoints>(store, KnownResourceTypes.Endpoints, a);
        Namespaces = new InProcessResourceClient<Namespace>(store, KnownResourceTypes.Namespaces, a);
        Nodes = new InProcessResourceClient<Node>(store, KnownResourceTypes.Nodes, a);
        Events = new InProcessResourceClient<Event>(store, KnownResourceTypes.Events, a);
        ConfigMaps = new InProcessResourceClient<ConfigMap>(store, KnownResourceTypes.ConfigMaps, a);
        Secrets = new InProcessResourceClient<Secret>(store, KnownResourceTypes.Secrets, a);
        Deployments = new InProcessResourceClient<Deployment>(store, KnownResourceTypes.Deployments, a);
        ReplicaSets = new InProcessResourceClient<ReplicaSet>(store, KnownResourceTypes.ReplicaSets, a);
        EndpointSlices = new InProcessResourceClient<EndpointSlice>(store, KnownResourceTypes.EndpointSlices, a);
    }

    /// <summary>The store underneath, for composition code that also needs untyped access (e.g. Leases).</summary>
    public IResourceStore Store { get; }

    public IResourceClient<Pod> Pods { get; }

    public IResourceClient<Service> Services { get; }

    public IResourceClient<Endpoints> Endpoints { get; }

    public IResourceClient<Namespace> Namespaces { get; }

    public IResourceClient<Node> Nodes { get; }

    public IResourceClient<Event> Events { get; }

    public IResourceClient<ConfigMap> ConfigMaps { get; }

    public IResourceClient<Secret> Secrets { get; }

    public IResourceClient<Deployment> Deployments { get; }

    public IResourceClient<ReplicaSet> ReplicaSets { get; }

    public IResourceClient<EndpointSlice> EndpointSlices { get; }
}
