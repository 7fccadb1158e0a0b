using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podvisor.Model.Meta;
using Podvisor.Model.Serialization;
using Podvisor.Store;
using StoreDeleteOptions = Podvisor.Store.DeleteOptions;
using WatchEvent = Podvisor.Store.WatchEvent;

namespace Podvisor.Client.InProcess;

/// <summary>
/// One resource over the store. Every write converts the typed object to a fresh JSON tree (so the caller's object is
/// never touched), stamps apiVersion/kind from the <see cref="ResourceType"/>, runs admission and maps store errors to
/// <see cref="ApiException"/>.
/// </summary>
internal sealed class InProcessResourceClient<T>(IResourceStore store, ResourceType type, IClientAdmission admission) : IResourceClient<T>
    where T : class, IKubernetesObject
{
    public ResourceType Type => type;

    public async Task<T?> GetAsync(string? ns, string name, CancellationToken ct)
    {
        JsonObject? node;
        try
        {
            node = await store.GetAsync(type, Scope(ns), name, ct);
        }
        catch (StoreException e)
        {
            throw ApiErrors.FromStore(e);
        }

        return node is null ? null : FromNode(node);
    }

    public async Task<ResourceList<T>> ListAsync(string? ns, ClientListOptions? options, CancellationToken ct)
    {
        ListResult result;
        try
        {
            result = await store.ListAsync(
                type,
                Scope(ns),
                new ListOptions { LabelSelector = options?.LabelSelector, FieldSelector = options?.FieldSelector },
                ct);
        }
        catch (StoreException e)
        {
            throw ApiErrors.FromStore(e);
        }

        var items = new T[result.Items.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = FromNode(result.Items[i]);
        }

        return new ResourceList<T>(items, result.ResourceVersion.ToString(CultureInfo.InvariantCulture));
    }

    public async Task<T> CreateAsync(T obj, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var node = ToNode(obj);
        if (type.Namespaced && string.IsNullOrEmpty(NamespaceOf(node)))
        {
            Metadata(node)["namespace"] = "default";
        }

        node = admission.Default(type, AdmissionOperation.Create, node);
        admission.Validate(type, AdmissionOperation.Create, node, null);
        try
        {
            return FromNode(await store.CreateAsync(type, node, ct));
        }
        catch (StoreException e)
        {
            throw ApiErrors.FromStore(e);
        }
    }

    public Task<T> UpdateAsync(T obj, CancellationToken ct) => WriteAsync(obj, AdmissionOperation.Update, null, ct);

    public Task<T> UpdateStatusAsync(T obj, CancellationToken ct) => WriteAsync(obj, AdmissionOperation.UpdateStatus, Subresources.Status, ct);

    public Task<T> UpdateWithStatusAsync(T obj, CancellationToken ct) => WriteAsync(obj, AdmissionOperation.Update, Subresources.SpecAndStatus, ct);

    public async Task<T?> DeleteAsync(string? ns, string name, Podvisor.Model.Meta.DeleteOptions? options, CancellationToken ct)
    {
        var storeOptions = new StoreDeleteOptions
        {
            GracePeriodSeconds = options?.GracePeriodSeconds,
            PreconditionUid = options?.Preconditions?.Uid,
            PreconditionResourceVersion = options?.Preconditions?.ResourceVersion,
        };
        try
        {
            var result = await store.DeleteAsync(type, Scope(ns), name, storeOptions, ct);
            return FromNode(result.Object);
        }
        catch (StoreException e) when (e.Reason == StoreErrorReason.NotFound)
        {
            return null;
        }
        catch (StoreException e)
        {
            throw ApiErrors.FromStore(e);
        }
    }

    public async IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? ns, ClientWatchOptions? options, [EnumeratorCancellation] CancellationToken ct)
    {
        var watchOptions = new WatchOptions
        {
            ResourceVersion = options?.ResourceVersion,
            LabelSelector = options?.LabelSelector,
            FieldSelector = options?.FieldSelector,
        };

        IAsyncEnumerator<WatchEvent> events;
        try
        {
            events = store.WatchAsync(type, Scope(ns), watchOptions, ct).GetAsyncEnumerator(ct);
        }
        catch (StoreException e)
        {
            throw ApiErrors.FromStore(e);
        }

        await using (events)
        {
            while (true)
            {
                try
                {
                    if (!await events.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (StoreException e)
                {
                    throw ApiErrors.FromStore(e);
                }

                var e2 = events.Current;
                switch (e2.Type)
                {
                    case WatchEventType.Added:
                        yield return new ResourceEvent<T>(ResourceEventType.Added, FromNode(e2.Object));
                        break;
                    case WatchEventType.Modified:
                        yield return new ResourceEvent<T>(ResourceEventType.Modified, FromNode(e2.Object));
                        break;
                    case WatchEventType.Deleted:
                        yield return new ResourceEvent<T>(ResourceEventType.Deleted, FromNode(e2.Object));
                        break;
                    case WatchEventType.Bookmark:
                        break;
                    case WatchEventType.Error:
                        // The store ends a stream it can no longer keep gap-free (a slow watcher, a compacted
                        // revision). Surfacing it as Expired makes informers relist, as client-go does on 410.
                        throw ApiErrors.ExpiredWatch(MessageOf(e2.Object) ?? $"watch of {type.Resource} expired");
                    default:
                        throw new InvalidOperationException($"unknown watch event type {e2.Type}");
                }
            }
        }
    }

    private async Task<T> WriteAsync(T obj, AdmissionOperation operation, string? subresource, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var node = ToNode(obj);
        if (type.Namespaced && string.IsNullOrEmpty(NamespaceOf(node)))
        {
            Metadata(node)["namespace"] = "default";
        }

        node = admission.Default(type, operation, node);
        JsonObject? old = null;
        if (admission.NeedsOldObject)
        {
            try
            {
                old = await store.GetAsync(type, NamespaceOf(node), (string?)Metadata(node)["name"] ?? "", ct);
            }
            catch (StoreException e)
            {
                throw ApiErrors.FromStore(e);
            }
        }

        admission.Validate(type, operation, node, old);
        try
        {
            return FromNode(await store.UpdateAsync(type, node, subresource, ct));
        }
        catch (StoreException e)
        {
            throw ApiErrors.FromStore(e);
        }
    }

    private string? Scope(string? ns) => type.Namespaced ? ns : null;

    private JsonObject ToNode(T obj)
    {
        var node = KubeJson.ToNode(obj);
        node["apiVersion"] = type.ApiVersion;
        node["kind"] = type.Kind;
        return node;
    }

    private T FromNode(JsonObject node)
    {
        try
        {
            return KubeJson.FromNode<T>(node);
        }
        catch (JsonException e)
        {
            throw new ApiException(ApiErrors.InternalError, 500, $"stored {type.Kind} cannot be read: {e.Message}");
        }
    }

    private static JsonObject Metadata(JsonObject node)
    {
        if (node["metadata"] is JsonObject m)
        {
            return m;
        }

        var created = new JsonObject();
        node["metadata"] = created;
        return created;
    }

    private static string? NamespaceOf(JsonObject node) => node["metadata"]?["namespace"]?.GetValue<string>();

    private static string? MessageOf(JsonObject status) => status["message"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
