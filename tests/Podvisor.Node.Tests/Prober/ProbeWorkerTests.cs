using Podvisor.Model.Core;
using Podvisor.Node.Prober;
using Podvisor.Node.Prober.Runners;

namespace Podvisor.Node.Tests.Prober;

/// <summary>ProbeOnceAsync decisions on fake time with a scripted runner (SPEC §1.3, §1.8).</summary>
public sealed class ProbeWorkerTests
{
    private static readonly ProbeOutcome Ok = ProbeOutcome.Success();
    private static readonly ProbeOutcome Bad = ProbeOutcome.Failure("boom");

    [Theory]
    [InlineData(ProbeType.Readiness, ProbeResult.Failure)]
    [InlineData(ProbeType.Liveness, ProbeResult.Success)]
    [InlineData(ProbeType.Startup, ProbeResult.Unknown)]
    public async Task ProbeOnce_NewContainerId_PublishesInitialValueFirst(ProbeType type, ProbeResult initial)
    {
        var kit = new ProbeTestKit();
        kit.Runner.Then(ProbeOutcome.Error("not yet"));
        var worker = kit.Worker(type, ProbeTestKit.ExecProbe(), started: type != ProbeType.Startup);

        Assert.True(await worker.ProbeOnceAsync(CancellationToken.None));

        var updates = kit.DrainUpdates();
        Assert.Equal([new ProbeResultUpdate(new ProbeKey("uid-1", "app", type), "process://c1", initial)], updates);
        Assert.True(kit.Results.TryGet("c1", type, out var stored));
        Assert.Equal(initial, stored);
    }

    [Fact]
    public async Task ProbeOnce_FailuresBelowThreshold_KeepsLastResult()
    {
        var kit = new ProbeTestKit();
        kit.Runner.Then(Ok, Bad, Bad, Bad);
        var worker = kit.Worker(ProbeType.Readiness, ProbeTestKit.ExecProbe(failureThreshold: 3));

        await worker.ProbeOnceAsync(CancellationToken.None); // Success published
        await worker.ProbeOnceAsync(CancellationToken.None); // 1 failure
        await worker.ProbeOnceAsync(CancellationToken.None); // 2 failures
        Assert.True(kit.Results.TryGet("process://c1", ProbeType.Readiness, out var afterTwo));
        Assert.Equal(ProbeResult.Success, afterTwo);

        await worker.ProbeOnceAsync(CancellationToken.None); // 3rd failure reaches the threshold
        Assert.True(kit.Results.TryGet("process://c1", ProbeType.Readiness, out var afterThree));
        Assert.Equal(ProbeResult.Failure, afterThree);
        Assert.Equal(
            [ProbeResult.Failure, ProbeResult.Success, ProbeResult.Failure],
            kit.DrainUpdates().Select(u => u.Result));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    public async Task ProbeOnce_SuccessThreshold_PublishesAfterThatManyConsecutiveSuccesses(int threshold, int runsUntilReady)
    {
        var kit = new ProbeTestKit();
        var worker = kit.Worker(ProbeType.Readiness, ProbeTestKit.ExecProbe(successThreshold: threshold));
        for (var i = 1; i <= runsUntilReady; i++)
        {
            await worker.ProbeOnceAsync(CancellationToken.None);
            kit.Results.TryGet("c1", ProbeType.Readiness, out var r);
            Assert.Equal(i == runsUntilReady ? ProbeResult.Success : ProbeResult.Failure, r);
        }
    }

    [Fact]
    public async Task ProbeOnce_InterleavedResults_RestartTheRun()
    {
        var kit = new ProbeTestKit();
        kit.Runner.Then(Bad, Bad, Ok, Bad, Bad);
        var worker = kit.Worker(ProbeType.Liveness, ProbeTestKit.ExecProbe(failureThreshold: 3));
        for (var i = 0; i < 5; i++)
        {
            await worker.ProbeOnceAsync(CancellationToken.None);
        }

        kit.Results.TryGet("c1", ProbeType.Liveness, out var r);
        Assert.Equal(ProbeResult.Success, r);
        Assert.Equal(2, worker.ResultRun);
    }

    [Theory]
    [InlineData(15, 14.999, false)]
    [InlineData(15, 15.0, true)]
    [InlineData(15, 15.9, true)]
    [InlineData(1, 0.5, false)]
    [InlineData(0, 0, true)]
    public async Task ProbeOnce_InitialDelay_ComparesTruncatedWholeSeconds(int initialDelay, double secondsSinceStart, bool probes)
    {
        var kit = new ProbeTestKit();
        var worker = kit.Worker(ProbeType.Readiness, ProbeTestKit.ExecProbe(initialDelaySeconds: initialDelay));
        kit.Time.Advance(TimeSpan.FromSeconds(secondsSinceStart));

        Assert.True(await worker.ProbeOnceAsync(CancellationToken.None));

        Assert.Equal(probes ? 1 : 0, kit.Runner.Count);
    }

    [Theory]
    [InlineData(ProbeType.Startup, false, true)]
    [InlineData(ProbeType.Startup, true, false)]
    [InlineData(ProbeType.Liveness, false, false)]
    [InlineData(ProbeType.Liveness, true, true)]
    [InlineData(ProbeType.Readiness, false, false)]
    [InlineData(ProbeType.Readiness, true, true)]
    public async Task ProbeOnce_StartupGating_OnlyStartupProbesUntilStarted(ProbeType type, bool started, bool probes)
    {
        var kit = new ProbeTestKit();
        var worker = kit.Worker(type, ProbeTestKit.ExecProbe(), started);

        Assert.True(await worker.ProbeOnceAsync(CancellationToken.None));

        Assert.Equal(probes ? 1 : 0, kit.Runner.Count);
    }

    [Fact]
    public async Task ProbeOnce_LivenessFailurePublished_HoldsUntilNewContainerId()
    {
        var kit = new ProbeTestKit();
        kit.Runner.Then(Bad);
        var probe = ProbeTestKit.ExecProbe(failureThreshold: 1);
        var worker = kit.Worker(ProbeType.Liveness, probe);

        await worker.ProbeOnceAsync(CancellationToken.None);
        Assert.True(worker.OnHold);
        Assert.Equal(0, worker.ResultRun);
        await worker.ProbeOnceAsync(CancellationToken.None);
        await worker.ProbeOnceAsync(CancellationToken.None);
        Assert.Equal(1, kit.Runner.Count);

        // The restarted container has a new ID: its result starts at the initial value and probing resumes.
        var pod = kit.Status.Get("uid-1")!.Pod;
        kit.SetStatus(pod, ProbeTestKit.Running("app", "process://c2", kit.Time.GetUtcNow()));
        kit.Runner.Then(Ok);
        await worker.ProbeOnceAsync(CancellationToken.None);

        Assert.False(worker.OnHold);
        Assert.Equal(2, kit.Runner.Count);
        Assert.False(kit.Results.TryGet("c1", ProbeType.Liveness, out _));
        Assert.Equal(
            [("process://c1", ProbeResult.Success), ("process://c1", ProbeResult.Failure), ("process://c2", ProbeResult.Success)],
            kit.DrainUpdates().Select(u => (u.ContainerId, u.Result)));
    }

    [Fact]
    public async Task ProbeOnce_ReadinessFailurePublished_KeepsProbing()
    {
        var kit = new ProbeTestKit();
        kit.Runner.Then(Bad);
        var worker = kit.Worker(ProbeType.Readiness, ProbeTestKit.ExecProbe(failureThreshold: 1));

        await worker.ProbeOnceAsync(CancellationToken.None);
        await worker.ProbeOnceAsync(CancellationToken.None);

        Assert.False(worker.OnHold);
        Assert.Equal(2, kit.Runner.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ProbeOnce_StartupResultPublished_HoldsUntilNewContainerId(bool succeeds)
    {
        var kit = new ProbeTestKit();
        kit.Runner.Then(succeeds ? Ok : Bad);
        var worker = kit.Worker(ProbeType.Startup, ProbeTestKit.ExecProbe(failureThreshold: 1), started: false);

        await worker.ProbeOnceAsync(CancellationToken.None);
        await worker.ProbeOnceAsync(CancellationToken.None);

        Assert.True(worker.OnHold);
        Assert.Equal(1, kit.Runner.Count);
        kit.Results.TryGet("c1", ProbeType.Startup, out var r);
        Assert.Equal(succeeds ? ProbeResult.Success : ProbeResult.Failure, r);
    }

    [Theory]
    [InlineData(ProbeType.Liveness, false, 0)]
    [InlineData(ProbeType.Startup, false, 0)]
    [InlineData(ProbeType.Readiness, true, 1)]
    public async Task ProbeOnce_PodBeingDeleted_LivenessAndStartupWriteSuccessAndExit(ProbeType type, bool keepsGoing, int runs)
    {
        var kit = new ProbeTestKit();
        var worker = kit.Worker(type, ProbeTestKit.ExecProbe(), started: type != ProbeType.Startup);
        var snapshot = kit.Status.Get("uid-1")!;
        var deleting = snapshot.Pod with { Metadata = snapshot.Pod.Metadata with { DeletionTimestamp = kit.Time.GetUtcNow() } };
        kit.Status.Set(deleting, snapshot.Status);

        Assert.Equal(keepsGoing, await worker.ProbeOnceAsync(CancellationToken.None));

        Assert.Equal(runs, kit.Runner.Count);
        if (!keepsGoing)
        {
            Assert.True(kit.Results.TryGet("c1", type, out var r));
            Assert.Equal(ProbeResult.Success, r);
        }
    }

    [Fact]
    public async Task ProbeOnce_ErroredRuns_RetriedThreeTimesThenDiscarded()
    {
        var kit = new ProbeTestKit();
        kit.Runner.Then(ProbeOutcome.Error("strconv.Atoi: parsing \"http\": invalid syntax"));
        var worker = kit.Worker(ProbeType.Readiness, ProbeTestKit.ExecProbe(failureThreshold: 1));

        Assert.True(await worker.ProbeOnceAsync(CancellationToken.None));

        Assert.Equal(ProbeWorker.MaxProbeRetries, kit.Runner.Count);
        Assert.Equal(0, worker.ResultRun);
        Assert.Equal([ProbeResult.Failure], kit.DrainUpdates().Select(u => u.Result)); // only the initial value
        Assert.Equal(
            ["Warning Unhealthy Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing \"http\": invalid syntax"],
            kit.Events.Messages);
    }

    [Fact]
    public async Task ProbeOnce_ErrorThenSuccessWithinTick_CountsTheSuccessWithoutEvents()
    {
        var kit = new ProbeTestKit();
        kit.Runner.Then(ProbeOutcome.Error("transient"), Ok);
        var worker = kit.Worker(ProbeType.Readiness, ProbeTestKit.ExecProbe());

        await worker.ProbeOnceAsync(CancellationToken.None);

        Assert.Equal(2, kit.Runner.Count);
        Assert.Empty(kit.Events.All);
        kit.Results.TryGet("c1", ProbeType.Readiness, out var r);
        Assert.Equal(ProbeResult.Success, r);
    }

    [Fact]
    public async Task ProbeOnce_RunnerThrows_TreatedAsError()
    {
        var kit = new ProbeTestKit();
        var worker = new ProbeWorker(
            new ProbeKey("uid-1", "app", ProbeType.Readiness),
            ProbeTestKit.Pod(ProbeTestKit.Container(ProbeType.Readiness, ProbeTestKit.ExecProbe())),
            ProbeTestKit.Container(ProbeType.Readiness, ProbeTestKit.ExecProbe()),
            isInitContainer: false,
            ProbeTestKit.ExecProbe(),
            kit.Context with { Runner = new ThrowingRunner() });
        kit.SetStatus(ProbeTestKit.Pod(new Container { Name = "app" }), ProbeTestKit.Running("app", "process://c1", kit.Time.GetUtcNow()));

        Assert.True(await worker.ProbeOnceAsync(CancellationToken.None));

        Assert.Equal(["Warning Unhealthy Readiness probe errored and resulted in unknown state: kaput"], kit.Events.Messages);
    }

    [Theory]
    [InlineData(ProbeType.Liveness, "Liveness probe failed: boom")]
    [InlineData(ProbeType.Readiness, "Readiness probe failed: boom")]
    [InlineData(ProbeType.Startup, "Startup probe failed: boom")]
    public async Task ProbeOnce_EveryFailingRun_RecordsUnhealthyEvent(ProbeType type, string message)
    {
        var kit = new ProbeTestKit();
        kit.Runner.Then(Bad);
        var worker = kit.Worker(type, ProbeTestKit.ExecProbe(failureThreshold: 3), started: type != ProbeType.Startup);

        await worker.ProbeOnceAsync(CancellationToken.None);
        await worker.ProbeOnceAsync(CancellationToken.None);

        var events = kit.Events.All;
        Assert.Equal(2, events.Count); // below the threshold, but each failing run is reported
        Assert.All(events, e =>
        {
            Assert.Equal(("Warning", "Unhealthy", message), (e.Type, e.Reason, e.Message));
            Assert.Equal(("Pod", "web", "default", "uid-1", "spec.containers{app}"), (e.Ref.Kind, e.Ref.Name, e.Ref.Namespace, e.Ref.Uid, e.Ref.FieldPath));
        });
    }

    [Fact]
    public async Task ProbeOnce_Warning_CountsAsSuccessWithProbeWarningEvent()
    {
        var kit = new ProbeTestKit();
        kit.Runner.Then(ProbeOutcome.Warning("Probe terminated redirects, Response body: moved"));
        var worker = kit.Worker(ProbeType.Readiness, ProbeTestKit.ExecProbe());

        await worker.ProbeOnceAsync(CancellationToken.None);

        kit.Results.TryGet("c1", ProbeType.Readiness, out var r);
        Assert.Equal(ProbeResult.Success, r);
        Assert.Equal(["Warning ProbeWarning Readiness probe warning: Probe terminated redirects, Response body: moved"], kit.Events.Messages);
    }

    [Fact]
    public async Task ProbeOnce_SidecarProbe_UsesInitContainerStatusAndFieldPath()
    {
        var kit = new ProbeTestKit();
        kit.Runner.Then(Bad);
        var probe = ProbeTestKit.ExecProbe();
        var sidecar = new Container { Name = "proxy", RestartPolicy = "Always", ReadinessProbe = probe };
        var pod = ProbeTestKit.Pod(new Container { Name = "app" }, "Never", sidecar);
        kit.Status.Set(pod, new PodStatus
        {
            Phase = "Running",
            InitContainerStatuses = [ProbeTestKit.Running("proxy", "process://s1", kit.Time.GetUtcNow())],
        });
        var worker = new ProbeWorker(new ProbeKey("uid-1", "proxy", ProbeType.Readiness), pod, sidecar, isInitContainer: true, probe, kit.Context);

        await worker.ProbeOnceAsync(CancellationToken.None);

        var e = Assert.Single(kit.Events.All);
        Assert.Equal("spec.initContainers{proxy}", e.Ref.FieldPath);
        Assert.Equal("s1", (await kit.Runner.NextCallAsync()).Request.RuntimeContainerId);
    }

    [Fact]
    public async Task ProbeOnce_NoStatusOrNoContainerId_WaitsWithoutProbing()
    {
        var kit = new ProbeTestKit();
        var probe = ProbeTestKit.ExecProbe();
        var pod = ProbeTestKit.Pod(ProbeTestKit.Container(ProbeType.Readiness, probe));
        var worker = new ProbeWorker(new ProbeKey("uid-1", "app", ProbeType.Readiness), pod, pod.Spec!.Containers[0], false, probe, kit.Context);

        Assert.True(await worker.ProbeOnceAsync(CancellationToken.None));
        kit.SetStatus(pod, new ContainerStatus { Name = "app", State = ContainerState.OfWaiting("ContainerCreating") });
        Assert.True(await worker.ProbeOnceAsync(CancellationToken.None));

        Assert.Equal(0, kit.Runner.Count);
        Assert.Empty(kit.DrainUpdates());
    }

    [Theory]
    [InlineData(ProbeType.Liveness, ProbeResult.Success)]
    [InlineData(ProbeType.Readiness, ProbeResult.Failure)]
    public async Task ProbeOnce_NewContainerWaitingForPostStart_KeepsInitialValueAndHonoursInitialDelay(ProbeType type, ProbeResult initial)
    {
        var kit = new ProbeTestKit();
        var probe = ProbeTestKit.ExecProbe(initialDelaySeconds: 600, periodSeconds: 1);
        var pod = ProbeTestKit.Pod(ProbeTestKit.Container(type, probe));
        var worker = new ProbeWorker(new ProbeKey("uid-1", "app", type), pod, pod.Spec!.Containers[0], false, probe, kit.Context);
        // The node agent publishes the new container's ID while its postStart hook runs (state ContainerCreating).
        kit.SetStatus(pod, new ContainerStatus { Name = "app", ContainerID = "process://c1", State = ContainerState.OfWaiting("ContainerCreating") });

        Assert.True(await worker.ProbeOnceAsync(CancellationToken.None));
        kit.SetStatus(pod, ProbeTestKit.Running("app", "process://c1", kit.Time.GetUtcNow()));
        kit.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await worker.ProbeOnceAsync(CancellationToken.None));

        Assert.Equal(0, kit.Runner.Count);
        Assert.Equal([initial], kit.DrainUpdates().Select(u => u.Result));
        kit.Results.TryGet("c1", type, out var r);
        Assert.Equal(initial, r);
    }

    [Fact]
    public async Task ProbeOnce_ContainerSeenRunningThenWaiting_SetsFailure()
    {
        var kit = new ProbeTestKit();
        var worker = kit.Worker(ProbeType.Liveness, ProbeTestKit.ExecProbe(initialDelaySeconds: 600));
        Assert.True(await worker.ProbeOnceAsync(CancellationToken.None));
        var s = kit.Status.Get("uid-1")!;
        kit.SetStatus(s.Pod, new ContainerStatus { Name = "app", ContainerID = "process://c1", State = ContainerState.OfWaiting("CrashLoopBackOff") });

        Assert.True(await worker.ProbeOnceAsync(CancellationToken.None));

        kit.Results.TryGet("c1", ProbeType.Liveness, out var r);
        Assert.Equal(ProbeResult.Failure, r);
    }

    [Theory]
    [InlineData("Always", null, true)]
    [InlineData("OnFailure", null, true)]
    [InlineData("Never", null, false)]
    [InlineData("Never", "Always", true)]
    public async Task ProbeOnce_ContainerTerminated_SetsFailureAndExitsOnlyIfNotRestarted(string podPolicy, string? containerPolicy, bool keepsGoing)
    {
        var kit = new ProbeTestKit();
        var probe = ProbeTestKit.ExecProbe();
        var container = ProbeTestKit.Container(ProbeType.Liveness, probe) with { RestartPolicy = containerPolicy };
        var pod = ProbeTestKit.Pod(container, podPolicy);
        kit.SetStatus(pod, ProbeTestKit.Terminated("app", "process://c1"));
        var worker = new ProbeWorker(new ProbeKey("uid-1", "app", ProbeType.Liveness), pod, container, false, probe, kit.Context);

        Assert.Equal(keepsGoing, await worker.ProbeOnceAsync(CancellationToken.None));

        Assert.Equal(0, kit.Runner.Count);
        kit.Results.TryGet("c1", ProbeType.Liveness, out var r);
        Assert.Equal(ProbeResult.Failure, r);
    }

    [Theory]
    [InlineData("Succeeded")]
    [InlineData("Failed")]
    public async Task ProbeOnce_PodTerminal_Exits(string phase)
    {
        var kit = new ProbeTestKit();
        var worker = kit.Worker(ProbeType.Readiness, ProbeTestKit.ExecProbe());
        var s = kit.Status.Get("uid-1")!;
        kit.Status.Set(s.Pod, s.Status with { Phase = phase });

        Assert.False(await worker.ProbeOnceAsync(CancellationToken.None));
        Assert.Equal(0, kit.Runner.Count);
    }

    [Fact]
    public async Task ProbeOnce_Request_CarriesRuntimeIdAndDefaultedTimeout()
    {
        var kit = new ProbeTestKit();
        var worker = kit.Worker(ProbeType.Readiness, ProbeTestKit.ExecProbe() with { TimeoutSeconds = null });

        await worker.ProbeOnceAsync(CancellationToken.None);

        var call = await kit.Runner.NextCallAsync();
        Assert.Equal("c1", call.Request.RuntimeContainerId);
        Assert.Equal(TimeSpan.FromSeconds(1), call.Request.Timeout);
    }

    private sealed class ThrowingRunner : IProbeRunner
    {
        public ValueTask<ProbeOutcome> RunAsync(ProbeRequest request, CancellationToken ct) => throw new InvalidOperationException("kaput");
    }
}
