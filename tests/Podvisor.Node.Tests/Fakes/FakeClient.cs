using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Podvisor.Client;
using Podvisor.Model.Apps;
using Podvisor.Model.Core;
using Podvisor.Model.Discovery;
using Podvisor.Model.Meta;

namespace Podvisor.Node.Tests.Fakes;

/// <summary>In-memory client for unit tests: optimistic concurrency on resourceVersion, no watch, graceful delete of pods.</summary>
internal sealed class FakeClient : IPodvisorClient
{
    private long _revision;

    public FakeClient()
    {
        Pods = new FakeResourceClient<Pod>(this, graceful: true);
        Services = new FakeResourceClient<Service>(this);
        Endpoints = new FakeResourceClient<Endpoints>(this);
        Namespaces = new FakeResourceClient<Namespace>(this);
        Nodes = new FakeResourceClient<Podvisor.Model.Core.Node>(this);
        Events = new FakeResourceClient<Event>(this);
        ConfigMaps = new FakeResourceClient<ConfigMap>(this);
        Secrets = new FakeResourceClient<Secret>(this);
        Deployments = new FakeResourceClient<Deployment>(this);
        ReplicaSets = new FakeResourceClient<ReplicaSet>(this);
        EndpointSlices = new FakeResourceClient<EndpointSlice>(this);
    }

    public FakeResourceClient<Pod> Pods { get; }

    IResourceClient<Pod> IPodvisorClient.Pods => Pods;

    public IResourceClient<Service> Services { get; }

    public IResourceClient<Endpoints> Endpoints { get; }

    public IResourceClient<Namespace> Namespaces { get; }

    public IResourceClient<Podvisor.Model.Core.Node> Nodes { get; }

    public IResourceClient<Event> Events { get; }

    public IResourceClient<ConfigMap> ConfigMaps { get; }

    public IResourceClient<Secret> Secrets { get; }

    public IResourceClient<Deployment> Deployments { get; }

    public IResourceClient<ReplicaSet> ReplicaSets { get; }

    public IResourceClient<EndpointSlice> EndpointSlices { get; }

    internal string NextRevision() => Interlocked.Increment(ref _revision).ToString(CultureInfo.InvariantCulture);
}

internal sealed class FakeResourceClient<T>(FakeClient owner, bool graceful = false) : IResourceClient<T>
    where T : class, IKubernetesObject
{
    private readonly ConcurrentDictionary<string, T> _objects = new(StringComparer.Ordinal);

    public int StatusWrites;

    public List<DeleteOptions?> Deletes { get; } = [];

    private static string Key(string? ns, string name) => $"{ns}/{name}";

    public Task<T?> GetAsync(string? ns, string name, CancellationToken ct) =>
        Task.FromResult(_objects.TryGetValue(Key(ns, name), out var o) ? o : null);

    public Task<ResourceList<T>> ListAsync(string? ns, ClientListOptions? options, CancellationToken ct) =>
        Task.FromResult(new ResourceList<T>(_objects.Values.ToList(), owner.NextRevision()));

    public Task<T> CreateAsync(T obj, CancellationToken ct)
    {
        var stored = With(obj, obj.Metadata with { ResourceVersion = owner.NextRevision(), Uid = obj.Metadata.Uid ?? Guid.NewGuid().ToString() });
        if (!_objects.TryAdd(Key(obj.Metadata.Namespace, obj.Metadata.Name!), stored))
        {
            throw new ApiException("AlreadyExists", 409, "exists");
        }

        return Task.FromResult(stored);
    }

    public Task<T> UpdateAsync(T obj, CancellationToken ct) => Write(obj, statusOnly: false);

    public Task<T> UpdateStatusAsync(T obj, CancellationToken ct)
    {
        Interlocked.Increment(ref StatusWrites);
        return Write(obj, statusOnly: true);
    }

    public Task<T?> DeleteAsync(string? ns, string name, DeleteOptions? options, CancellationToken ct)
    {
        lock (Deletes)
        {
            Deletes.Add(options);
        }

        if (!_objects.TryGetValue(Key(ns, name), out var current))
        {
            return Task.FromResult<T?>(null);
        }

        if (graceful && options?.GracePeriodSeconds is not 0 && current is Pod pod)
        {
            var grace = options?.GracePeriodSeconds ?? pod.Spec?.TerminationGracePeriodSeconds ?? 30;
            var marked = pod with { Metadata = pod.Metadata with { DeletionTimestamp = DateTimeOffset.UnixEpoch, DeletionGracePeriodSeconds = grace, ResourceVersion = owner.NextRevision() } };
            _objects[Key(ns, name)] = (T)(object)marked;
            return Task.FromResult<T?>((T)(object)marked);
        }

        _objects.TryRemove(Key(ns, name), out _);
        return Task.FromResult<T?>(current);
    }

    public async IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? ns, ClientWatchOptions? options, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Delay(Timeout.Infinite, ct);
        yield break;
    }

    public T? Peek(string? ns, string name) => _objects.TryGetValue(Key(ns, name), out var o) ? o : null;

    private Task<T> Write(T obj, bool statusOnly)
    {
        var key = Key(obj.Metadata.Namespace, obj.Metadata.Name!);
        lock (_objects)
        {
            if (!_objects.TryGetValue(key, out var current))
            {
                throw new ApiException("NotFound", 404, "not found");
            }

            if (obj.Metadata.ResourceVersion is { } rv && rv != current.Metadata.ResourceVersion)
            {
                throw new ApiException("Conflict", 409, "conflict");
            }

            T next = obj;
            if (statusOnly && obj is Pod p && current is Pod c)
            {
                next = (T)(object)(c with { Status = p.Status });
            }

            next = With(next, next.Metadata with { ResourceVersion = owner.NextRevision() });
            _objects[key] = next;
            return Task.FromResult(next);
        }
    }

    private static T With(T obj, ObjectMeta meta) => obj switch
    {
        Pod p => (T)(object)(p with { Metadata = meta }),
        Podvisor.Model.Core.Node n => (T)(object)(n with { Metadata = meta }),
        ConfigMap cm => (T)(object)(cm with { Metadata = meta }),
        Secret s => (T)(object)(s with { Metadata = meta }),
        Event e => (T)(object)(e with { Metadata = meta }),
        _ => obj,
    };
}

/// <summary>Records events in memory.</summary>
internal sealed class RecordingEventRecorder : IEventRecorder
{
    private readonly ConcurrentQueue<(ObjectReference Involved, string Type, string Reason, string Message)> _events = new();

    public IReadOnlyList<(ObjectReference Involved, string Type, string Reason, string Message)> Events => _events.ToList();

    public IReadOnlyList<string> Lines => _events.Select(e => $"{e.Reason}: {e.Message}").ToList();

    public void Record(ObjectReference involved, string type, string reason, string message) => _events.Enqueue((involved, type, reason, message));
}

internal static class Eventually
{
    /// <summary>Waits (real time, bounded) until <paramref name="condition"/> holds; fails with <paramref name="what"/>.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for: {what}");
            }

            await Task.Delay(2);
        }
    }
}
