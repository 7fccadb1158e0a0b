using System.Diagnostics;
using Podvisor.Client;
using Podvisor.Client.InProcess;
using Podvisor.Controllers.Scheduling;
using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Store;
using DeleteOptions = Podvisor.Model.Meta.DeleteOptions;

namespace Podvisor.Node.Tests.Scheduling;

public sealed class SchedulerTests : IAsyncLifetime
{
    private const string NodeName = "node-1";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "podvisor-scheduler-tests", Guid.NewGuid().ToString("N"));
    private IResourceStore _store = null!;
    private InProcessClient _client = null!;
    private EventRecorder _recorder = null!;
    private Scheduler _scheduler = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        _store = await SqliteResourceStore.OpenAsync(_dir, TimeProvider.System, null, null, Ct);
        _client = new InProcessClient(_store);
        _recorder = new EventRecorder(_client, new EventRecorderOptions { Component = "default-scheduler" }, TimeProvider.System);
        _scheduler = new Scheduler(_client, _recorder, new SchedulerOptions { NodeName = NodeName }, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _scheduler.DisposeAsync();
        await _recorder.DisposeAsync();
        await _store.DisposeAsync();
        _timeout.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task NewPod_BoundToNode_WithConditionAndScheduledEvent()
    {
        await _scheduler.StartAsync(Ct);

        var created = await _client.Pods.CreateAsync(NewPod("web"), Ct);
        var bound = await WaitForAsync("default", "web", p => p.Spec?.NodeName == NodeName);
        await _recorder.FlushAsync(Ct);

        var condition = Assert.Single(bound.Status!.Conditions!, c => c.Type == "PodScheduled");
        Assert.Equal("True", condition.Status);
        Assert.NotNull(condition.LastTransitionTime);
        Assert.Equal("Pending", bound.Status.Phase);
        Assert.Equal(created.Metadata.Uid, bound.Metadata.Uid);
        var e = Assert.Single((await _client.Events.ListAsync("default", null, Ct)).Items);
        Assert.Equal(("Normal", "Scheduled", "Successfully assigned default/web to node-1"), (e.Type, e.Reason, e.Message));
        Assert.Equal(("Pod", "web", created.Metadata.Uid), (e.InvolvedObject.Kind, e.InvolvedObject.Name, e.InvolvedObject.Uid));
        Assert.Equal("default-scheduler", e.Source!.Component);
    }

    [Fact]
    public async Task ScheduledEvent_StampedAtTheBind_NotWhenRecorded()
    {
        // Every clock reading is a second after the previous one: an event stamped when recorded would be later
        // than the PodScheduled condition written by the bind.
        var clock = new SteppingClock();
        await using var recorder = new EventRecorder(_client, new EventRecorderOptions { Component = "default-scheduler" }, clock);
        await using var scheduler = new Scheduler(_client, recorder, new SchedulerOptions { NodeName = NodeName }, clock);
        await scheduler.StartAsync(Ct);

        await _client.Pods.CreateAsync(NewPod("stamped"), Ct);
        var bound = await WaitForAsync("default", "stamped", p => p.Spec?.NodeName == NodeName);
        await recorder.FlushAsync(Ct);

        var condition = Assert.Single(bound.Status!.Conditions!, c => c.Type == "PodScheduled");
        var e = Assert.Single((await _client.Events.ListAsync("default", null, Ct)).Items, e => e.Reason == "Scheduled");
        Assert.Equal(condition.LastTransitionTime, e.FirstTimestamp);
    }

    [Fact]
    public async Task Binding_IsOneWrite_NodeNameAndConditionTogether()
    {
        var created = await _client.Pods.CreateAsync(NewPod("atomic"), Ct);
        await _scheduler.StartAsync(Ct);

        // The first change after the create is the binding, and it already carries both halves.
        await foreach (var e in _client.Pods.WatchAsync("default", new ClientWatchOptions { ResourceVersion = created.Metadata.ResourceVersion }, Ct))
        {
            Assert.Equal(ResourceEventType.Modified, e.Type);
            Assert.Equal(NodeName, e.Object.Spec!.NodeName);
            Assert.Contains(e.Object.Status!.Conditions!, c => c.Type == "PodScheduled" && c.Status == "True");
            break;
        }
    }

    [Fact]
    public async Task PodCreatedBeforeStart_BoundOnStart()
    {
        await _client.Pods.CreateAsync(NewPod("early", ns: "team-a"), Ct);

        await _scheduler.StartAsync(Ct);

        await WaitForAsync("team-a", "early", p => p.Spec?.NodeName == NodeName);
    }

    [Fact]
    public async Task OtherSchedulerOrAlreadyBound_LeftAlone()
    {
        await _scheduler.StartAsync(Ct);
        var foreign = await _client.Pods.CreateAsync(NewPod("foreign", schedulerName: "my-scheduler"), Ct);
        var preBound = await _client.Pods.CreateAsync(NewPod("prebound", nodeName: "elsewhere"), Ct);

        // A pod created after them is bound: by then the scheduler has seen (and skipped) the first two.
        await _client.Pods.CreateAsync(NewPod("marker"), Ct);
        await WaitForAsync("default", "marker", p => p.Spec?.NodeName == NodeName);
        await _recorder.FlushAsync(Ct);

        Assert.Equal(foreign.Metadata.ResourceVersion, (await _client.Pods.GetAsync("default", "foreign", Ct))!.Metadata.ResourceVersion);
        Assert.Equal(preBound.Metadata.ResourceVersion, (await _client.Pods.GetAsync("default", "prebound", Ct))!.Metadata.ResourceVersion);
        Assert.Equal("marker", Assert.Single((await _client.Events.ListAsync("default", null, Ct)).Items).InvolvedObject.Name);
    }

    [Fact]
    public async Task PodBeingDeleted_NotBound()
    {
        await _client.Pods.CreateAsync(NewPod("doomed"), Ct);
        await _client.Pods.DeleteAsync("default", "doomed", new DeleteOptions { GracePeriodSeconds = 30 }, Ct);

        await _scheduler.StartAsync(Ct);
        await _client.Pods.CreateAsync(NewPod("marker"), Ct);
        await WaitForAsync("default", "marker", p => p.Spec?.NodeName == NodeName);

        Assert.Null((await _client.Pods.GetAsync("default", "doomed", Ct))!.Spec!.NodeName);
    }

    [Fact]
    public async Task BurstOfPods_AllBoundQuickly()
    {
        await _scheduler.StartAsync(Ct);
        const int count = 100;
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < count; i++)
        {
            await _client.Pods.CreateAsync(NewPod($"burst-{i}"), Ct);
        }

        for (var i = 0; i < count; i++)
        {
            await WaitForAsync("default", $"burst-{i}", p => p.Spec?.NodeName == NodeName);
        }

        await _recorder.FlushAsync(Ct);
        Assert.Equal(count, (await _client.Events.ListAsync("default", null, Ct)).Items.Count(e => e.Reason == "Scheduled"));

        // Generous: a regression to polling or to per-pod delays shows up as seconds, not milliseconds.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"binding {count} pods took {clock.Elapsed}");
    }

    private static Pod NewPod(string name, string ns = "default", string? nodeName = null, string? schedulerName = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new PodSpec
        {
            NodeName = nodeName,
            SchedulerName = schedulerName,
            Containers = [new Container { Name = "app", Image = "busybox", Command = ["sleep", "1000"] }],
        },
    };

    private async Task<Pod> WaitForAsync(string ns, string name, Func<Pod, bool> condition)
    {
        while (true)
        {
            if (await _client.Pods.GetAsync(ns, name, Ct) is { } pod && condition(pod))
            {
                return pod;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2), Ct);
        }
    }
}

/// <summary>Real timers; each GetUtcNow is one second after the previous reading.</summary>
internal sealed class SteppingClock : TimeProvider
{
    private long _readings;

    public override DateTimeOffset GetUtcNow() =>
        new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero) + TimeSpan.FromSeconds(Interlocked.Increment(ref _readings));
}
