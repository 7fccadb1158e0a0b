using System.Text.Json.Nodes;

namespace Podvisor.Store;

/// <summary>
/// Identifies a kind of stored object. The storage key of an object is
/// <c>/registry/{GroupOrCore}/{Resource}/{namespace}/{name}</c> (cluster-scoped: no namespace segment).
/// </summary>
/// <param name="Group">API group; "" for core.</param>
/// <param name="Version">Served version, e.g. "v1".</param>
/// <param name="Resource">Plural resource name, e.g. "pods".</param>
/// <param name="Kind">Kind, e.g. "Pod".</param>
/// <param name="Namespaced">Whether objects live in a namespace.</param>
/// <param name="GracefulDelete">
/// Pod-style deletion: a delete with a grace period &gt; 0 only sets deletionTimestamp (= now + grace) and
/// deletionGracePeriodSeconds; the object goes when deleted again with grace 0 (the node agent does this).
/// </param>
/// <param name="HasStatus">Whether the kind has a status subresource (status is then ignored by plain updates).</param>
public sealed record ResourceType(
    string Group,
    string Version,
    string Resource,
    string Kind,
    bool Namespaced,
    bool GracefulDelete = false,
    bool HasStatus = true)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}

/// <summary>Why a store operation failed; maps one to one onto Kubernetes Status reasons.</summary>
public enum StoreErrorReason
{
    NotFound,
    AlreadyExists,
    Conflict,
    /// <summary>The requested resourceVersion was compacted: HTTP 410 Gone, reason Expired.</summary>
    Expired,
    Invalid,
    BadRequest,
}

public sealed class StoreException(StoreErrorReason reason, string message) : Exception(message)
{
    public StoreErrorReason Reason { get; } = reason;
}

public sealed record ListOptions
{
    /// <summary>Kubernetes label selector string (all operators: =, ==, !=, in, notin, exists, !key).</summary>
    public string? LabelSelector { get; init; }

    /// <summary>Kubernetes field selector string (=, ==, !=), on the fields the kind supports.</summary>
    public string? FieldSelector { get; init; }

    public int? Limit { get; init; }

    public string? Continue { get; init; }
}

public sealed record ListResult(IReadOnlyList<JsonObject> Items, long ResourceVersion, string? Continue, long? RemainingItemCount);

public sealed record WatchOptions
{
    /// <summary>null, "" or "0": synthetic ADDED for every current object first; otherwise only changes after it.</summary>
    public string? ResourceVersion { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Emit BOOKMARK events carrying the current revision when idle.</summary>
    public bool AllowBookmarks { get; init; }
}

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}

/// <param name="Object">For Deleted: the last state with the delete's revision as resourceVersion.</param>
public sealed record WatchEvent(WatchEventType Type, JsonObject Object, long ResourceVersion);

public sealed record DeleteOptions
{
    public long? GracePeriodSeconds { get; init; }

    public string? PreconditionUid { get; init; }

    public string? PreconditionResourceVersion { get; init; }
}

/// <param name="Object">The object as it is after the call (marked for deletion, or its last state).</param>
/// <param name="Deleted">True when the object is gone from the store; false when it was only marked.</param>
public sealed record DeleteResult(JsonObject Object, bool Deleted);

/// <summary>
/// The versioned object store (kine's design): every write gets the next global revision, which is the object's
/// resourceVersion. Objects are JSON with Kubernetes metadata; the store owns metadata.uid, creationTimestamp,
/// resourceVersion, generation (bumped when spec changes; never for status/metadata-only changes) and
/// deletionTimestamp. Never mutates the JsonObject passed in; every returned JsonObject is the caller's own.
/// </summary>
public interface IResourceStore : IAsyncDisposable
{
    /// <summary>The newest revision written.</summary>
    long CurrentRevision { get; }

    /// <summary>Creates; fills uid, creationTimestamp, generation 1, resourceVersion; honours generateName. AlreadyExists.</summary>
    Task<JsonObject> CreateAsync(ResourceType type, JsonObject obj, CancellationToken ct);

    /// <summary>Returns null when absent.</summary>
    Task<JsonObject?> GetAsync(ResourceType type, string? ns, string name, CancellationToken ct);

    /// <summary>
    /// Replaces the object. If obj carries metadata.resourceVersion it must equal the stored one (else Conflict);
    /// without it the write is unconditional. subresource "status": only .status is taken from obj;
    /// <see cref="Subresources.SpecAndStatus"/>: spec, metadata and status all from obj, in one revision;
    /// otherwise .status of the stored object is kept (when the type HasStatus). Removing the last finalizer of an
    /// object marked for deletion (and, for GracefulDelete kinds, with deletionGracePeriodSeconds 0) deletes it.
    /// </summary>
    Task<JsonObject> UpdateAsync(ResourceType type, JsonObject obj, string? subresource, CancellationToken ct);

    /// <summary>Graceful delete semantics, see <see cref="ResourceType.GracefulDelete"/> and finalizers.</summary>
    Task<DeleteResult> DeleteAsync(ResourceType type, string? ns, string name, DeleteOptions options, CancellationToken ct);

    /// <summary>ns null = all namespaces.</summary>
    Task<ListResult> ListAsync(ResourceType type, string? ns, ListOptions options, CancellationToken ct);

    /// <summary>
    /// Changes in revision order, each once, no gaps. Throws StoreException(BadRequest) at once, before enumeration,
    /// for an invalid selector or resourceVersion; the enumeration throws StoreException(Expired) when the requested
    /// revision was compacted. The enumeration ends when ct fires; a watcher that falls too far behind gets an Error event
    /// (Expired) and the stream ends, so it relists.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? ns, WatchOptions options, CancellationToken ct);
}

/// <summary>Subresource names the store understands besides a plain update.</summary>
public static class Subresources
{
    public const string Status = "status";

    /// <summary>
    /// An update that takes status from the object too, for in-process writers that own both halves of one change (binding
    /// a pod sets spec.nodeName and the PodScheduled condition together, as Kubernetes' pods/binding does). The name
    /// cannot be a URL segment the API server routes, so only in-process callers can reach it.
    /// </summary>
    public const string SpecAndStatus = "spec+status";
}
