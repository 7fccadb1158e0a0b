using System.Text.RegularExpressions;
using Podvisor.Model.Apps;
using Podvisor.Model.Core;
using Podvisor.Model.Discovery;
using Podvisor.Model.Meta;
using Podvisor.Testing;

namespace Podvisor.Client.Tests;

public sealed partial class EventRecorderTests : IDisposable
{
    private static readonly ObjectReference PodRef = new()
    {
        Kind = "Pod",
        ApiVersion = "v1",
        Namespace = "web",
        Name = "frontend-1",
        Uid = "3f1b2c4d-0000-4000-8000-000000000001",
    };

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Record_SameEventThreeTimes_OneEventWithCount3()
    {
        await using var c = await TempCluster.StartAsync();
        await using var recorder = new EventRecorder(c.Client, new EventRecorderOptions { Component = "kubelet", Host = "node-1" }, _time);

        recorder.Record(PodRef, "Warning", "Unhealthy", "Liveness probe failed: boom");
        await recorder.FlushAsync(Ct);
        _time.Advance(TimeSpan.FromSeconds(10));
        recorder.Record(PodRef, "Warning", "Unhealthy", "Liveness probe failed: boom");
        await recorder.FlushAsync(Ct);
        _time.Advance(TimeSpan.FromSeconds(10));
        recorder.Record(PodRef, "Warning", "Unhealthy", "Liveness probe failed: boom");
        await recorder.FlushAsync(Ct);

        var e = Assert.Single((await c.Client.Events.ListAsync(null, null, Ct)).Items);
        Assert.Equal(3, e.Count);
        Assert.Equal("web", e.Metadata.Namespace);
        Assert.Matches(NameFormat(), e.Metadata.Name);
        Assert.Equal(PodRef.Uid, e.InvolvedObject.Uid);
        Assert.Equal(("Warning", "Unhealthy", "Liveness probe failed: boom"), (e.Type, e.Reason, e.Message));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), e.FirstTimestamp);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 20, TimeSpan.Zero), e.LastTimestamp);
        Assert.Equal(("kubelet", "node-1"), (e.Source!.Component, e.Source.Host));
        Assert.Equal(("kubelet", "kubelet-node-1"), (e.ReportingComponent, e.ReportingInstance));
        Assert.Null(e.EventTime);
    }

    [Fact]
    public async Task Record_WithOccurredAt_FirstTimestampAndNameCarryThatTime()
    {
        await using var c = await TempCluster.StartAsync();
        await using var recorder = new EventRecorder(c.Client, new EventRecorderOptions { Component = "default-scheduler" }, _time);
        var at = _time.GetUtcNow() - TimeSpan.FromSeconds(5);

        recorder.Record(PodRef, "Normal", "Scheduled", "Successfully assigned web/frontend-1 to node-1", at);
        await recorder.FlushAsync(Ct);

        var e = Assert.Single((await c.Client.Events.ListAsync(null, null, Ct)).Items);
        Assert.Equal(at, e.FirstTimestamp);
        Assert.Equal(at, e.LastTimestamp);
        var nanos = (at - DateTimeOffset.UnixEpoch).Ticks * 100;
        Assert.Equal($"frontend-1.{nanos:x16}", e.Metadata.Name);
    }

    [Fact]
    public async Task Record_RepeatsInOneBurst_FoldedIntoOneEvent()
    {
        await using var c = await TempCluster.StartAsync();
        await using var recorder = new EventRecorder(c.Client, new EventRecorderOptions { Component = "kubelet" }, _time);

        for (var i = 0; i < 5; i++)
        {
            recorder.Record(PodRef, "Normal", "Pulled", "Container image \"busybox\" already present on machine");
        }

        await recorder.FlushAsync(Ct);

        Assert.Equal(5, Assert.Single((await c.Client.Events.ListAsync("web", null, Ct)).Items).Count);
    }

    [Fact]
    public async Task Record_DifferentMessages_SeparateEventsWithDistinctNames()
    {
        await using var c = await TempCluster.StartAsync();
        await using var recorder = new EventRecorder(c.Client, new EventRecorderOptions { Component = "kubelet" }, _time);

        recorder.Record(PodRef, "Normal", "Created", "Created container: app");
        recorder.Record(PodRef, "Normal", "Started", "Started container app");
        await recorder.FlushAsync(Ct);

        var events = (await c.Client.Events.ListAsync("web", null, Ct)).Items;
        Assert.Equal(2, events.Count);
        Assert.Equal(2, events.Select(e => e.Metadata.Name).Distinct().Count());
        Assert.All(events, e => Assert.Equal(1, e.Count));
    }

    [Fact]
    public async Task Record_ClusterScopedObject_EventInDefaultNamespace()
    {
        await using var c = await TempCluster.StartAsync();
        await using var recorder = new EventRecorder(c.Client, new EventRecorderOptions { Component = "kubelet", Host = "node-1" }, _time);

        recorder.Record(new ObjectReference { Kind = "Node", Name = "node-1", Uid = "node-1" }, "Normal", "NodeReady", "Node node-1 status is now: NodeReady");
        await recorder.FlushAsync(Ct);

        Assert.Equal("node-1", Assert.Single((await c.Client.Events.ListAsync("default", null, Ct)).Items).InvolvedObject.Name);
    }

    [Fact]
    public async Task Record_AggregatedEventDeletedMeanwhile_StartsANewOne()
    {
        await using var c = await TempCluster.StartAsync();
        await using var recorder = new EventRecorder(c.Client, new EventRecorderOptions { Component = "kubelet" }, _time);
        recorder.Record(PodRef, "Normal", "Killing", "Stopping container app");
        await recorder.FlushAsync(Ct);
        var first = Assert.Single((await c.Client.Events.ListAsync("web", null, Ct)).Items);

        await c.Client.Events.DeleteAsync("web", first.Metadata.Name!, null, Ct);
        recorder.Record(PodRef, "Normal", "Killing", "Stopping container app");
        await recorder.FlushAsync(Ct);

        var second = Assert.Single((await c.Client.Events.ListAsync("web", null, Ct)).Items);
        Assert.NotEqual(first.Metadata.Name, second.Metadata.Name);
        Assert.Equal(1, second.Count);
    }

    [Fact]
    public async Task Record_QueueFull_DropsOldestAndCounts()
    {
        await using var c = await TempCluster.StartAsync();
        var gated = new GatedEventsClient(c.Client);
        await using var recorder = new EventRecorder(gated, new EventRecorderOptions { Component = "kubelet", Capacity = 2 }, _time);

        // The writer takes the first event and blocks on it; the queue (2) then holds the newest two of the rest.
        recorder.Record(PodRef, "Normal", "Reason0", "m");
        await gated.FirstCreateStarted.WaitAsync(Ct);
        for (var i = 1; i <= 5; i++)
        {
            recorder.Record(PodRef, "Normal", $"Reason{i}", "m");
        }

        gated.Open();
        await recorder.FlushAsync(Ct);

        Assert.Equal(3, recorder.DroppedCount);
        Assert.Equal(["Reason0", "Reason4", "Reason5"], (await c.Client.Events.ListAsync("web", null, Ct)).Items.Select(e => e.Reason!).Order());
    }

    [GeneratedRegex("^frontend-1\\.[0-9a-f]{16}$")]
    private static partial Regex NameFormat();

    /// <summary>The real client, except that creating an Event waits until the test opens the gate.</summary>
    private sealed class GatedEventsClient(IPodvisorClient inner) : IPodvisorClient
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstCreateStarted => _started.Task;

        public IResourceClient<Pod> Pods => inner.Pods;

        public IResourceClient<Service> Services => inner.Services;

        public IResourceClient<Endpoints> Endpoints => inner.Endpoints;

        public IResourceClient<Namespace> Namespaces => inner.Namespaces;

        public IResourceClient<Node> Nodes => inner.Nodes;

        public IResourceClient<Event> Events => new GatedEvents(inner.Events, this);

        public IResourceClient<ConfigMap> ConfigMaps => inner.ConfigMaps;

        public IResourceClient<Secret> Secrets => inner.Secrets;

        public IResourceClient<Deployment> Deployments => inner.Deployments;

        public IResourceClient<ReplicaSet> ReplicaSets => inner.ReplicaSets;

        public IResourceClient<EndpointSlice> EndpointSlices => inner.EndpointSlices;

        public void Open() => _gate.TrySetResult();

        private sealed class GatedEvents(IResourceClient<Event> events, GatedEventsClient owner) : IResourceClient<Event>
        {
            public Task<Event?> GetAsync(string? ns, string name, CancellationToken ct) => events.GetAsync(ns, name, ct);

            public Task<ResourceList<Event>> ListAsync(string? ns, ClientListOptions? options, CancellationToken ct) => events.ListAsync(ns, options, ct);

            public async Task<Event> CreateAsync(Event obj, CancellationToken ct)
            {
                owner._started.TrySetResult();
                await owner._gate.Task.WaitAsync(ct);
                return await events.CreateAsync(obj, ct);
            }

            public Task<Event> UpdateAsync(Event obj, CancellationToken ct) => events.UpdateAsync(obj, ct);

            public Task<Event> UpdateStatusAsync(Event obj, CancellationToken ct) => events.UpdateStatusAsync(obj, ct);

            public Task<Event?> DeleteAsync(string? ns, string name, DeleteOptions? options, CancellationToken ct) => events.DeleteAsync(ns, name, options, ct);

            public IAsyncEnumerable<ResourceEvent<Event>> WatchAsync(string? ns, ClientWatchOptions? options, CancellationToken ct) => events.WatchAsync(ns, options, ct);
        }
    }
}
