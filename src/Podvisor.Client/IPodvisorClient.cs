using Podvisor.Model.Apps;
using Podvisor.Model.Core;
using Podvisor.Model.Discovery;
using Podvisor.Model.Meta;

namespace Podvisor.Client;

/// <summary>
/// The one way controllers, the node agent and the proxy reach API objects. In one process the implementation goes
/// straight to the store; across machines it speaks HTTPS. Errors surface as <see cref="ApiException"/>.
/// </summary>
public interface IPodvisorClient
{
    IResourceClient<Pod> Pods { get; }

    IResourceClient<Service> Services { get; }

    IResourceClient<Endpoints> Endpoints { get; }

    IResourceClient<Namespace> Namespaces { get; }

    IResourceClient<Node> Nodes { get; }

    IResourceClient<Event> Events { get; }

    IResourceClient<ConfigMap> ConfigMaps { get; }

    IResourceClient<Secret> Secrets { get; }

    IResourceClient<Deployment> Deployments { get; }

    IResourceClient<ReplicaSet> ReplicaSets { get; }

    IResourceClient<EndpointSlice> EndpointSlices { get; }
}

/// <summary>Typed access to one resource. Objects passed in are never mutated; returned objects are fresh.</summary>
public interface IResourceClient<T>
    where T : class, IKubernetesObject
{
    /// <summary>Null when absent.</summary>
    Task<T?> GetAsync(string? ns, string name, CancellationToken ct);

    /// <summary>ns null = all namespaces (or a cluster-scoped kind).</summary>
    Task<ResourceList<T>> ListAsync(string? ns, ClientListOptions? options, CancellationToken ct);

    Task<T> CreateAsync(T obj, CancellationToken ct);

    /// <summary>Optimistic: Conflict (ApiException) when metadata.resourceVersion is stale. Status is not changed.</summary>
    Task<T> UpdateAsync(T obj, CancellationToken ct);

    /// <summary>Writes only .status, through the status subresource. Conflict when stale.</summary>
    Task<T> UpdateStatusAsync(T obj, CancellationToken ct);

    /// <summary>
    /// Writes spec, metadata and status in one revision (<see cref="Podvisor.Store.Subresources.SpecAndStatus"/>), for
    /// in-process writers that own both halves of one change, like a pod's binding. Conflict when stale. Clients that
    /// talk to an API server have no such verb.
    /// </summary>
    Task<T> UpdateWithStatusAsync(T obj, CancellationToken ct) =>
        throw new NotSupportedException($"{GetType().Name} cannot write spec and status in one update");

    /// <summary>Graceful delete. Returns the object as it is after the call (marked or last state); null if it was absent.</summary>
    Task<T?> DeleteAsync(string? ns, string name, DeleteOptions? options, CancellationToken ct);

    /// <summary>Changes after resourceVersion (null/"0": synthetic ADDED for current objects first) until ct fires.</summary>
    IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? ns, ClientWatchOptions? options, CancellationToken ct);
}

public sealed record ClientListOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }
}

public sealed record ClientWatchOptions
{
    public string? ResourceVersion { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }
}

public sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion);

public enum ResourceEventType
{
    Added,
    Modified,
    Deleted,
}

public sealed record ResourceEvent<T>(ResourceEventType Type, T Object);

/// <summary>An API error: Reason is the Kubernetes Status reason (NotFound, AlreadyExists, Conflict, Invalid, Expired...).</summary>
public sealed class ApiException(string reason, int code, string message) : Exception(message)
{
    public string Reason { get; } = reason;

    public int Code { get; } = code;

    public bool IsNotFound => Reason == "NotFound";

    public bool IsConflict => Reason == "Conflict";

    public bool IsAlreadyExists => Reason == "AlreadyExists";
}
