using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Model.Meta;

namespace Podvisor.Client.Informers;

/// <summary>
/// A list-then-watch cache of one resource (client-go's shared informer): lists, then watches from the list's
/// resourceVersion; when the watch expires (410) or fails it relists after a back-off on the <see cref="TimeProvider"/>
/// and turns the difference into Added/Updated/Deleted events, so subscribers never miss a delete.
/// <para>
/// Subscribers get events in order through their own bounded channel, each on its own task, so a slow subscriber does
/// not delay the others. When a subscriber's channel is full the watch loop waits for it (FullMode Wait, logged):
/// dropping would lose deletes, and an unbounded buffer would hide the problem. While the loop waits, the store's own
/// bounded watch queue fills up and cuts the watch off with Expired, so a stuck subscriber ends in a logged relist,
/// never in silent loss.
/// </para>
/// Cached objects are shared: never mutate them (they are immutable records; use <c>with</c>).
/// </summary>
public sealed class Informer<T> : IAsyncDisposable
    where T : class, IKubernetesObject
{
    private readonly IResourceClient<T> _client;
    private readonly InformerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _resource = typeof(T).Name;
    private readonly ConcurrentDictionary<string, T> _cache = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guards the pair (cache change, subscriber list) so a new subscriber sees every object exactly once:
    // either in its initial replay or as a later event.
    private readonly object _gate = new();
    private readonly List<InformerSubscription<T>> _subscriptions = [];
    private CancellationTokenSource? _stop;
    private Task? _run;
    private string? _lastResourceVersion;
    private int _lists;

    public Informer(IResourceClient<T> client, InformerOptions? options, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        _options = options ?? new InformerOptions();
        _options.Validate();
        _client = client;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>True once the first list is in the cache (and queued to subscribers).</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The resourceVersion of the last list or watch event applied.</summary>
    public string? LastResourceVersion => Volatile.Read(ref _lastResourceVersion);

    /// <summary>How many lists were made (the first sync plus every relist).</summary>
    public int ListCount => Volatile.Read(ref _lists);

    public int Count => _cache.Count;

    /// <summary>"namespace/name", or "name" for cluster-scoped objects (client-go's MetaNamespaceKeyFunc).</summary>
    public static string KeyOf(T obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return KeyOf(obj.Metadata.Namespace, obj.Metadata.Name ?? "");
    }

    public static string KeyOf(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";

    public T? Get(string? ns, string name) => GetByKey(KeyOf(ns, name));

    public T? GetByKey(string key) => _cache.TryGetValue(key, out var obj) ? obj : null;

    /// <summary>A snapshot of the cache.</summary>
    public IReadOnlyList<T> List() => [.. _cache.Values];

    public Task WaitForSyncAsync(CancellationToken ct) => _synced.Task.WaitAsync(ct);

    /// <summary>
    /// Adds a subscriber. It first receives Added (IsInitialList) for every cached object, then every later change,
    /// in order, one call at a time. Exceptions from the handler are logged and the next event is delivered.
    /// Dispose the subscription to remove it.
    /// </summary>
    public IAsyncDisposable Subscribe(Func<InformerEvent<T>, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            var initial = _cache.Values.Select(o => new InformerEvent<T>(InformerEventType.Added, o, null, IsInitialList: true)).ToList();
            var subscription = new InformerSubscription<T>(this, handler, initial, _options.HandlerQueueCapacity, _resource, _logger);
            _subscriptions.Add(subscription);
            return subscription;
        }
    }

    /// <summary>Starts listing and watching in the background. Idempotent.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_run is not null)
            {
                return;
            }

            _stop = new CancellationTokenSource();
            _run = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    /// <summary>Stops watching, then stops every subscriber (events still queued are dropped). Idempotent.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        Task? run;
        lock (_gate)
        {
            run = _run;
            _stop?.Cancel();
        }

        if (run is not null)
        {
            await run.WaitAsync(ct);
        }

        InformerSubscription<T>[] subscriptions;
        lock (_gate)
        {
            subscriptions = [.. _subscriptions];
        }

        foreach (var s in subscriptions)
        {
            await s.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stop?.Dispose();
    }

    internal void Remove(InformerSubscription<T> subscription)
    {
        lock (_gate)
        {
            _subscriptions.Remove(subscription);
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var backoff = _options.InitialBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = await _client.ListAsync(
                    _options.Namespace,
                    new ClientListOptions { LabelSelector = _options.LabelSelector, FieldSelector = _options.FieldSelector },
                    ct);
                Interlocked.Increment(ref _lists);
                await ReplaceAsync(list.Items, list.ResourceVersion, ct);
                InformerLog.Listed(_logger, _resource, list.Items.Count, list.ResourceVersion);
                _synced.TrySetResult();

                // Watch from the last applied revision; a stream that ends without error is resumed where it stopped.
                while (!ct.IsCancellationRequested)
                {
                    var options = new ClientWatchOptions
                    {
                        ResourceVersion = LastResourceVersion,
                        LabelSelector = _options.LabelSelector,
                        FieldSelector = _options.FieldSelector,
                    };
                    await foreach (var e in _client.WatchAsync(_options.Namespace, options, ct))
                    {
                        await ApplyAsync(e, ct);
                        backoff = _options.InitialBackoff;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ApiException e) when (e.IsExpired())
            {
                InformerLog.WatchExpired(_logger, _resource, e.Message, backoff);
                backoff = await BackOffAsync(backoff, ct);
            }
            catch (Exception e)
            {
                InformerLog.ListWatchFailed(_logger, e, _resource, backoff);
                backoff = await BackOffAsync(backoff, ct);
            }
        }
    }

    private async Task<TimeSpan> BackOffAsync(TimeSpan backoff, CancellationToken ct)
    {
        try
        {
            await Task.Delay(backoff, _time, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        var next = backoff * 2;
        return next > _options.MaxBackoff ? _options.MaxBackoff : next;
    }

    private async Task ApplyAsync(ResourceEvent<T> e, CancellationToken ct)
    {
        var key = KeyOf(e.Object);
        InformerEvent<T> change;
        InformerSubscription<T>[] targets;
        lock (_gate)
        {
            if (e.Type == ResourceEventType.Deleted)
            {
                _cache.TryRemove(key, out _);
                change = new InformerEvent<T>(InformerEventType.Deleted, e.Object);
            }
            else
            {
                var old = _cache.TryGetValue(key, out var o) ? o : null;
                _cache[key] = e.Object;
                change = old is null
                    ? new InformerEvent<T>(InformerEventType.Added, e.Object)
                    : new InformerEvent<T>(InformerEventType.Updated, e.Object, old);
            }

            Volatile.Write(ref _lastResourceVersion, e.Object.Metadata.ResourceVersion ?? _lastResourceVersion);
            targets = [.. _subscriptions];
        }

        foreach (var s in targets)
        {
            await s.EnqueueAsync(change, ct);
        }
    }

    private async Task ReplaceAsync(IReadOnlyList<T> items, string resourceVersion, CancellationToken ct)
    {
        var initial = !HasSynced;
        var changes = new List<InformerEvent<T>>();
        InformerSubscription<T>[] targets;
        lock (_gate)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                var key = KeyOf(item);
                seen.Add(key);
                if (_cache.TryGetValue(key, out var old))
                {
                    if (old.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
                    {
                        changes.Add(new InformerEvent<T>(InformerEventType.Updated, item, old));
                    }
                }
                else
                {
                    changes.Add(new InformerEvent<T>(InformerEventType.Added, item, null, initial));
                }

                _cache[key] = item;
            }

            foreach (var (key, old) in _cache)
            {
                if (!seen.Contains(key) && _cache.TryRemove(key, out _))
                {
                    changes.Add(new InformerEvent<T>(InformerEventType.Deleted, old));
                }
            }

            Volatile.Write(ref _lastResourceVersion, resourceVersion);
            targets = [.. _subscriptions];
        }

        foreach (var change in changes)
        {
            foreach (var s in targets)
            {
                await s.EnqueueAsync(change, ct);
            }
        }
    }
}
