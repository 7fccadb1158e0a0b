using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Podvisor.Client.Informers;
using Podvisor.Model.Core;
using Podvisor.Testing;
using DeleteOptions = Podvisor.Model.Meta.DeleteOptions;

namespace Podvisor.Client.Tests.Informers;

public sealed class InformerTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Start_ExistingObjects_SyncsCacheAndReplaysToSubscriber()
    {
        await using var c = await TempCluster.StartAsync();
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("a"), Ct);
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("b", ns: "other"), Ct);
        await using var informer = new Informer<Pod>(c.Client.Pods, null, TimeProvider.System);
        var events = new Recorder();
        await using var sub = informer.Subscribe(events.HandleAsync);

        informer.Start();
        await informer.WaitForSyncAsync(Ct);
        await events.WaitForAsync(2, Ct);

        Assert.True(informer.HasSynced);
        Assert.Equal(2, informer.Count);
        Assert.NotNull(informer.Get("other", "b"));
        Assert.All(events.Snapshot(), e => Assert.True(e.Type == InformerEventType.Added && e.IsInitialList));
    }

    [Fact]
    public async Task Watch_CreateUpdateDelete_DeliveredInOrderAndCacheFollows()
    {
        await using var c = await TempCluster.StartAsync();
        await using var informer = new Informer<Pod>(c.Client.Pods, null, TimeProvider.System);
        var events = new Recorder();
        await using var sub = informer.Subscribe(events.HandleAsync);
        informer.Start();
        await informer.WaitForSyncAsync(Ct);

        var created = await c.Client.Pods.CreateAsync(TempCluster.NewPod("a"), Ct);
        var updated = await c.Client.Pods.UpdateStatusAsync(created with { Status = new PodStatus { Phase = "Running" } }, Ct);
        await c.Client.Pods.DeleteAsync("default", "a", new DeleteOptions { GracePeriodSeconds = 0 }, Ct);
        await events.WaitForAsync(3, Ct);

        var seen = events.Snapshot();
        Assert.Equal([InformerEventType.Added, InformerEventType.Updated, InformerEventType.Deleted], seen.Select(e => e.Type));
        Assert.Equal(created.Metadata.ResourceVersion, seen[1].OldObject!.Metadata.ResourceVersion);
        Assert.Equal(updated.Metadata.ResourceVersion, seen[1].Object.Metadata.ResourceVersion);
        Assert.Equal(0, informer.Count);
    }

    [Fact]
    public async Task FieldSelector_PodLeavesSelection_DeliveredAsDelete()
    {
        await using var c = await TempCluster.StartAsync();
        await using var informer = new Informer<Pod>(c.Client.Pods, new InformerOptions { FieldSelector = "spec.nodeName=node-1" }, TimeProvider.System);
        var events = new Recorder();
        await using var sub = informer.Subscribe(events.HandleAsync);
        informer.Start();
        await informer.WaitForSyncAsync(Ct);

        await c.Client.Pods.CreateAsync(TempCluster.NewPod("elsewhere", nodeName: "node-2"), Ct);
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("mine", nodeName: "node-1"), Ct);
        await events.WaitForAsync(1, Ct);

        Assert.Equal("mine", Assert.Single(events.Snapshot()).Object.Metadata.Name);
        Assert.Null(informer.Get("default", "elsewhere"));
    }

    [Fact]
    public async Task WatchExpired_RelistsAfterBackOff_DiffBecomesEvents()
    {
        var time = new FakeTimeProvider();
        await using var c = await TempCluster.StartAsync();
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("stays"), Ct);
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("goes"), Ct);
        var client = new ExpiringWatchClient(c.Client.Pods);
        await using var informer = new Informer<Pod>(
            client, new InformerOptions { InitialBackoff = TimeSpan.FromSeconds(1) }, time);
        var events = new Recorder();
        await using var sub = informer.Subscribe(events.HandleAsync);
        informer.Start();
        await informer.WaitForSyncAsync(Ct);
        await events.WaitForAsync(2, Ct);

        // While the informer is cut off (its watch expired, it waits out the back-off) the world changes.
        await WaitUntilAsync(() => time.ActiveTimerCount == 1, Ct);
        await c.Client.Pods.DeleteAsync("default", "goes", new DeleteOptions { GracePeriodSeconds = 0 }, Ct);
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("new"), Ct);
        time.Advance(TimeSpan.FromMilliseconds(999));
        var listsBeforeBackOff = informer.ListCount;
        time.Advance(TimeSpan.FromMilliseconds(1));
        await events.WaitForAsync(4, Ct);

        Assert.Equal(1, listsBeforeBackOff);
        Assert.Equal(2, informer.ListCount);
        var after = events.Snapshot().Skip(2).OrderBy(e => e.Type).ToList();
        Assert.Equal(InformerEventType.Added, after[0].Type);
        Assert.Equal("new", after[0].Object.Metadata.Name);
        Assert.Equal(InformerEventType.Deleted, after[1].Type);
        Assert.Equal("goes", after[1].Object.Metadata.Name);
        Assert.Equal(["new", "stays"], informer.List().Select(p => p.Metadata.Name!).Order());
    }

    [Fact]
    public async Task Subscribe_AfterSync_GetsCurrentObjectsThenChanges()
    {
        await using var c = await TempCluster.StartAsync();
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("a"), Ct);
        await using var informer = new Informer<Pod>(c.Client.Pods, null, TimeProvider.System);
        informer.Start();
        await informer.WaitForSyncAsync(Ct);

        var events = new Recorder();
        await using var sub = informer.Subscribe(events.HandleAsync);
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("b"), Ct);
        await events.WaitForAsync(2, Ct);

        var seen = events.Snapshot();
        Assert.Equal(("a", true), (seen[0].Object.Metadata.Name, seen[0].IsInitialList));
        Assert.Equal(("b", false), (seen[1].Object.Metadata.Name, seen[1].IsInitialList));
    }

    [Fact]
    public async Task Handler_Throws_NextEventsStillDelivered()
    {
        await using var c = await TempCluster.StartAsync();
        await using var informer = new Informer<Pod>(c.Client.Pods, null, TimeProvider.System);
        var events = new Recorder();
        var calls = 0;
        await using var failing = informer.Subscribe((e, ct) =>
            Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("boom") : events.HandleAsync(e, ct));
        informer.Start();
        await informer.WaitForSyncAsync(Ct);

        await c.Client.Pods.CreateAsync(TempCluster.NewPod("a"), Ct);
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("b"), Ct);
        await events.WaitForAsync(1, Ct);

        Assert.Equal("b", Assert.Single(events.Snapshot()).Object.Metadata.Name);
    }

    [Fact]
    public async Task StopAsync_StopsWatchingAndIsIdempotent()
    {
        await using var c = await TempCluster.StartAsync();
        var stopped = new Informer<Pod>(c.Client.Pods, null, TimeProvider.System);
        await using var running = new Informer<Pod>(c.Client.Pods, null, TimeProvider.System);
        var seenByRunning = new Recorder();
        await using var sub = running.Subscribe(seenByRunning.HandleAsync);
        stopped.Start();
        running.Start();
        await stopped.WaitForSyncAsync(Ct);
        await running.WaitForSyncAsync(Ct);

        await stopped.StopAsync(Ct);
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("late"), Ct);
        await seenByRunning.WaitForAsync(1, Ct);
        await stopped.StopAsync(Ct);
        await stopped.DisposeAsync();

        Assert.Equal(0, stopped.Count);
        Assert.Equal(1, running.Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), ct);
        }
    }

    /// <summary>Collects events and lets a test wait for a count, with a deadline through the token.</summary>
    private sealed class Recorder
    {
        private readonly ConcurrentQueue<InformerEvent<Pod>> _events = new();
        private readonly SemaphoreSlim _signal = new(0);

        public ValueTask HandleAsync(InformerEvent<Pod> e, CancellationToken ct)
        {
            _events.Enqueue(e);
            _signal.Release();
            return ValueTask.CompletedTask;
        }

        public List<InformerEvent<Pod>> Snapshot() => [.. _events];

        public async Task WaitForAsync(int count, CancellationToken ct)
        {
            while (_events.Count < count)
            {
                await _signal.WaitAsync(ct);
            }
        }
    }

    /// <summary>The real client, except that the first watch fails with Expired as the store does for a lagging watcher.</summary>
    private sealed class ExpiringWatchClient(IResourceClient<Pod> inner) : IResourceClient<Pod>
    {
        private int _watches;

        public Task<Pod?> GetAsync(string? ns, string name, CancellationToken ct) => inner.GetAsync(ns, name, ct);

        public Task<ResourceList<Pod>> ListAsync(string? ns, ClientListOptions? options, CancellationToken ct) => inner.ListAsync(ns, options, ct);

        public Task<Pod> CreateAsync(Pod obj, CancellationToken ct) => inner.CreateAsync(obj, ct);

        public Task<Pod> UpdateAsync(Pod obj, CancellationToken ct) => inner.UpdateAsync(obj, ct);

        public Task<Pod> UpdateStatusAsync(Pod obj, CancellationToken ct) => inner.UpdateStatusAsync(obj, ct);

        public Task<Pod?> DeleteAsync(string? ns, string name, DeleteOptions? options, CancellationToken ct) => inner.DeleteAsync(ns, name, options, ct);

        public async IAsyncEnumerable<ResourceEvent<Pod>> WatchAsync(string? ns, ClientWatchOptions? options, [EnumeratorCancellation] CancellationToken ct)
        {
            if (Interlocked.Increment(ref _watches) == 1)
            {
                await Task.Yield();
                throw ApiErrors.ExpiredWatch("too old resource version");
            }

            await foreach (var e in inner.WatchAsync(ns, options, ct))
            {
                yield return e;
            }
        }
    }
}
