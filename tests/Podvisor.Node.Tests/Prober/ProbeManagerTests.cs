using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Node.Prober;
using Podvisor.Node.Prober.Runners;

namespace Podvisor.Node.Tests.Prober;

/// <summary>The manager and the worker loop on fake time: ticks, jitter, manual trigger, add/remove.</summary>
public sealed class ProbeManagerTests
{
    private static ProbeManager Manager(ProbeTestKit kit, ProbeManagerOptions? options = null)
    {
        kit.Runner.Clock = kit.Time;
        return new ProbeManager(kit.Runner, kit.Status, kit.Events, kit.Time, NullLogger<ProbeManager>.Instance, options);
    }

    private static Pod PodWithAllProbes(string uid = "uid-1")
    {
        var probe = ProbeTestKit.ExecProbe();
        return new Pod
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "default", Uid = uid },
            Spec = new PodSpec
            {
                InitContainers =
                [
                    new Container { Name = "init", ReadinessProbe = probe }, // regular init container: never probed
                    new Container { Name = "proxy", RestartPolicy = "Always", ReadinessProbe = probe, StartupProbe = probe },
                ],
                Containers =
                [
                    new Container { Name = "app", LivenessProbe = probe, ReadinessProbe = probe, StartupProbe = probe },
                    new Container { Name = "plain" },
                ],
            },
        };
    }

    [Fact]
    public async Task AddPod_ContainersAndSidecars_OneWorkerPerProbeIdempotently()
    {
        var kit = new ProbeTestKit();
        await using var manager = Manager(kit);
        var pod = PodWithAllProbes();

        manager.AddPod(pod);
        manager.AddPod(pod);

        Assert.Equal(5, manager.WorkerCount);
        Assert.True(manager.HasProbe("uid-1", "proxy", ProbeType.Startup));
        Assert.True(manager.HasProbe("uid-1", "app", ProbeType.Liveness));
        Assert.False(manager.HasProbe("uid-1", "init", ProbeType.Readiness));
        Assert.False(manager.HasProbe("uid-1", "plain", ProbeType.Readiness));
    }

    [Fact]
    public async Task RemovePod_StopsOnlyThatPodsWorkers()
    {
        var kit = new ProbeTestKit();
        await using var manager = Manager(kit);
        manager.AddPod(PodWithAllProbes("a"));
        manager.AddPod(PodWithAllProbes("b"));

        manager.RemovePod("a");

        Assert.Equal(5, manager.WorkerCount);
        Assert.False(manager.HasProbe("a", "app", ProbeType.Readiness));
        Assert.True(manager.HasProbe("b", "app", ProbeType.Readiness));
    }

    [Theory]
    [InlineData(ProbeType.Readiness, ProbeResult.Failure)]
    [InlineData(ProbeType.Liveness, ProbeResult.Success)]
    [InlineData(ProbeType.Startup, ProbeResult.Unknown)]
    public async Task GetResult_NoResultYet_ReturnsTheKubeletDefault(ProbeType type, ProbeResult expected)
    {
        await using var manager = Manager(new ProbeTestKit());

        Assert.Equal(expected, manager.GetResult("process://nothing", type));
    }

    [Fact]
    public async Task Worker_RunsAtOnceThenEveryPeriod_AndPublishesOnlyChanges()
    {
        var kit = new ProbeTestKit();
        await using var manager = Manager(kit);
        var pod = ProbeTestKit.Pod(ProbeTestKit.Container(ProbeType.Readiness, ProbeTestKit.ExecProbe(periodSeconds: 5)));
        kit.SetStatus(pod, ProbeTestKit.Running("app", "process://c1", kit.Time.GetUtcNow()));
        kit.Runner.Then(ProbeOutcome.Success(), ProbeOutcome.Success(), ProbeOutcome.Failure("x"));

        manager.AddPod(pod);
        Assert.Equal(ProbeTestKit.Start, (await kit.Runner.NextCallAsync()).At);
        kit.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(ProbeTestKit.Start.AddSeconds(5), (await kit.Runner.NextCallAsync()).At);
        kit.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(ProbeTestKit.Start.AddSeconds(10), (await kit.Runner.NextCallAsync()).At);

        var key = new ProbeKey("uid-1", "app", ProbeType.Readiness);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(new ProbeResultUpdate(key, "process://c1", ProbeResult.Failure), await manager.Updates.ReadAsync(cts.Token));
        Assert.Equal(new ProbeResultUpdate(key, "process://c1", ProbeResult.Success), await manager.Updates.ReadAsync(cts.Token));
        Assert.Equal(ProbeResult.Success, manager.GetResult("process://c1", ProbeType.Readiness));
        Assert.Equal(ProbeResult.Success, manager.GetResult("c1", ProbeType.Readiness));
    }

    [Fact]
    public async Task Worker_NodeAgentJustStarted_FirstRunAfterJitter()
    {
        var kit = new ProbeTestKit();
        await using var manager = Manager(kit, new ProbeManagerOptions { KubeletStartedAt = kit.Time.GetUtcNow(), JitterSource = () => 0.5 });
        var pod = ProbeTestKit.Pod(ProbeTestKit.Container(ProbeType.Readiness, ProbeTestKit.ExecProbe(periodSeconds: 10)));
        kit.SetStatus(pod, ProbeTestKit.Running("app", "process://c1", kit.Time.GetUtcNow()));

        manager.AddPod(pod);
        await ProbeTestKit.WaitUntilAsync(() => kit.Time.ActiveTimerCount == 1, "the jitter delay is scheduled");
        Assert.Equal(0, kit.Runner.Count);
        kit.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(ProbeTestKit.Start.AddSeconds(5), (await kit.Runner.NextCallAsync()).At);
    }

    [Fact]
    public async Task Workers_StartedApart_TickTogetherOnTheAlignmentStep_ThenEveryPeriod()
    {
        var kit = new ProbeTestKit();
        await using var manager = Manager(kit, new ProbeManagerOptions { TickAlignment = TimeSpan.FromMilliseconds(250) });
        var probe = ProbeTestKit.ExecProbe(periodSeconds: 1);
        var a = ProbeTestKit.Pod(ProbeTestKit.Container(ProbeType.Readiness, probe), uid: "a");
        var b = ProbeTestKit.Pod(ProbeTestKit.Container(ProbeType.Readiness, probe), uid: "b");
        kit.SetStatus(a, ProbeTestKit.Running("app", "process://a", kit.Time.GetUtcNow()));
        kit.SetStatus(b, ProbeTestKit.Running("app", "process://b", kit.Time.GetUtcNow()));

        kit.Time.Advance(TimeSpan.FromMilliseconds(30));
        manager.AddPod(a);
        Assert.Equal(ProbeTestKit.Start.AddMilliseconds(30), (await kit.Runner.NextCallAsync()).At);
        kit.Time.Advance(TimeSpan.FromMilliseconds(140));
        manager.AddPod(b);
        Assert.Equal(ProbeTestKit.Start.AddMilliseconds(170), (await kit.Runner.NextCallAsync()).At);

        // Both first runs were within one step: both next ticks are at 1.25 s, not 1.03 s and 1.17 s, and one timer
        // of the time provider serves both workers.
        await ProbeTestKit.WaitUntilAsync(() => kit.Time.DueTimes.SequenceEqual([ProbeTestKit.Start.AddMilliseconds(1250)]), "one timer armed for 1.25 s");
        kit.Time.Advance(TimeSpan.FromMilliseconds(1079));
        Assert.Equal(2, kit.Runner.Count);
        kit.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(ProbeTestKit.Start.AddMilliseconds(1250), (await kit.Runner.NextCallAsync()).At);
        Assert.Equal(ProbeTestKit.Start.AddMilliseconds(1250), (await kit.Runner.NextCallAsync()).At);

        // After that, exact periods.
        kit.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ProbeTestKit.Start.AddMilliseconds(2250), (await kit.Runner.NextCallAsync()).At);
        Assert.Equal(ProbeTestKit.Start.AddMilliseconds(2250), (await kit.Runner.NextCallAsync()).At);
    }

    [Fact]
    public async Task Worker_AlignmentZero_KeepsExactPeriods()
    {
        var kit = new ProbeTestKit();
        await using var manager = Manager(kit, new ProbeManagerOptions { TickAlignment = TimeSpan.Zero });
        var pod = ProbeTestKit.Pod(ProbeTestKit.Container(ProbeType.Readiness, ProbeTestKit.ExecProbe(periodSeconds: 1)));
        kit.SetStatus(pod, ProbeTestKit.Running("app", "process://c1", kit.Time.GetUtcNow()));
        kit.Time.Advance(TimeSpan.FromMilliseconds(30));

        manager.AddPod(pod);
        Assert.Equal(ProbeTestKit.Start.AddMilliseconds(30), (await kit.Runner.NextCallAsync()).At);
        await ProbeTestKit.WaitUntilAsync(() => kit.Time.ActiveTimerCount == 1, "the period timer is set");
        Assert.Equal([ProbeTestKit.Start.AddMilliseconds(1030)], kit.Time.DueTimes);
    }

    [Fact]
    public void Options_NegativeAlignment_Rejected()
    {
        var kit = new ProbeTestKit();
        Assert.Throws<ArgumentOutOfRangeException>(() => Manager(kit, new ProbeManagerOptions { TickAlignment = TimeSpan.FromMilliseconds(-1) }));
    }

    [Fact]
    public async Task Worker_NodeAgentStartedLongAgo_NoJitter()
    {
        var kit = new ProbeTestKit();
        await using var manager = Manager(kit, new ProbeManagerOptions
        {
            KubeletStartedAt = kit.Time.GetUtcNow().AddSeconds(-10),
            JitterSource = () => 0.5,
        });
        var pod = ProbeTestKit.Pod(ProbeTestKit.Container(ProbeType.Readiness, ProbeTestKit.ExecProbe(periodSeconds: 10)));
        kit.SetStatus(pod, ProbeTestKit.Running("app", "process://c1", kit.Time.GetUtcNow()));

        manager.AddPod(pod);

        Assert.Equal(ProbeTestKit.Start, (await kit.Runner.NextCallAsync()).At);
    }

    [Fact]
    public async Task TriggerReadiness_RunsNowAndRestartsThePeriod()
    {
        var kit = new ProbeTestKit();
        await using var manager = Manager(kit);
        var pod = ProbeTestKit.Pod(ProbeTestKit.Container(ProbeType.Readiness, ProbeTestKit.ExecProbe(periodSeconds: 10)));
        kit.SetStatus(pod, ProbeTestKit.Running("app", "process://c1", kit.Time.GetUtcNow()));
        manager.AddPod(pod);
        await kit.Runner.NextCallAsync(); // t=0

        kit.Time.Advance(TimeSpan.FromSeconds(4));
        manager.TriggerReadiness("uid-1", "app");
        Assert.Equal(ProbeTestKit.Start.AddSeconds(4), (await kit.Runner.NextCallAsync()).At);

        kit.Time.Advance(TimeSpan.FromSeconds(6)); // t=10: the old schedule would run here
        kit.Time.Advance(TimeSpan.FromSeconds(4)); // t=14: the restarted period runs here

        Assert.Equal(ProbeTestKit.Start.AddSeconds(14), (await kit.Runner.NextCallAsync()).At);
    }

    [Fact]
    public async Task Worker_LivenessDuringDeletion_ExitsAndForgetsItsResult()
    {
        var kit = new ProbeTestKit();
        await using var manager = Manager(kit);
        var pod = ProbeTestKit.Pod(ProbeTestKit.Container(ProbeType.Liveness, ProbeTestKit.ExecProbe(failureThreshold: 1)));
        kit.SetStatus(pod, ProbeTestKit.Running("app", "process://c1", kit.Time.GetUtcNow()));
        kit.Runner.Then(ProbeOutcome.Failure("down"));
        manager.AddPod(pod);
        await kit.Runner.NextCallAsync();
        await ProbeTestKit.WaitUntilAsync(() => manager.GetResult("c1", ProbeType.Liveness) == ProbeResult.Failure, "liveness fails");

        var deleting = pod with { Metadata = pod.Metadata with { DeletionTimestamp = kit.Time.GetUtcNow() } };
        kit.SetStatus(deleting, ProbeTestKit.Running("app", "process://c2", kit.Time.GetUtcNow()));
        kit.Time.Advance(TimeSpan.FromSeconds(10));

        await ProbeTestKit.WaitUntilAsync(() => manager.WorkerCount == 0, "the liveness worker exits");
        Assert.Equal(ProbeResult.Success, manager.GetResult("c2", ProbeType.Liveness));
        Assert.Equal(1, kit.Runner.Count);
    }

    [Fact]
    public async Task DisposeAsync_StopsWorkersAndCompletesUpdates()
    {
        var kit = new ProbeTestKit();
        var manager = Manager(kit);
        manager.AddPod(PodWithAllProbes());

        await manager.DisposeAsync();

        Assert.Equal(0, manager.WorkerCount);
        Assert.True(manager.Updates.Completion.IsCompleted);
        Assert.Throws<ObjectDisposedException>(() => manager.AddPod(PodWithAllProbes("x")));
    }
}
