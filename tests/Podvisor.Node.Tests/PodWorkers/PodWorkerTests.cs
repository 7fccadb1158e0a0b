using Podvisor.Model.Core;
using Podvisor.Node.Prober;
using Podvisor.Node.Tests.Fakes;
using Podvisor.Runtime;
using Podvisor.Testing.Builders;

namespace Podvisor.Node.Tests.PodWorkers;

public sealed class PodWorkerTests
{
    [Fact]
    public async Task Sync_PostStartBlocks_NextContainerNotCreatedUntilHookReturns()
    {
        await using var h = new PodWorkerHarness();
        var hook = new TaskCompletionSource<ExecResult>();
        h.Runtime.ExecHandler = (_, _, ct) => hook.Task.WaitAsync(ct);
        var (pod, _) = await h.StartAsync(PodBuilder.Named("p")
            .Container("first", "sleep 100", c => c with { Lifecycle = new Podvisor.Model.Core.Lifecycle { PostStart = PodBuilder.Exec("hook") } })
            .Container("second", "sleep 100")
            .Build());

        await Eventually.TrueAsync(() => h.Called("exec first hook"), "postStart of first runs");
        await Eventually.TrueAsync(() => h.ContainerStatusOf(pod, "first")?.State?.Waiting?.Reason == "ContainerCreating", "first shown Waiting while its hook runs");
        Assert.False(h.Called("create second"));

        hook.SetResult(new ExecResult(0, "", false));

        await Eventually.TrueAsync(() => h.Called("start second"), "second starts after the hook");
        await Eventually.TrueAsync(() => h.StatusOf(pod)?.Phase == "Running" && h.ContainerStatusOf(pod, "first")?.State?.Running is not null, "pod Running");
        Assert.Equal(["Pulled", "Created", "Started", "Pulled", "Created", "Started"], h.Events.Events.Select(e => e.Reason));
        Assert.Equal("Created container: first", h.Events.Events[1].Message);
        Assert.Equal("spec.containers{first}", h.Events.Events[1].Involved.FieldPath);
        Assert.Equal("Container image \"busybox\" already present on machine", h.Events.Events[0].Message);
    }

    [Fact]
    public async Task Sandbox_GetsEveryVolumeWithItsKind_SoTheRuntimeCanRefuseWhatItCannotMount()
    {
        // The process runtime mounts nothing: a configMap or projected volume left out of the sandbox would start the
        // container without its files instead of failing with FailedCreatePodSandBox.
        await using var h = new PodWorkerHarness();
        var pod = PodBuilder.Named("p").Container("app", "sleep 100").Build();
        pod = pod with
        {
            Spec = pod.Spec! with
            {
                Volumes =
                [
                    new Volume { Name = "config", ConfigMap = new ConfigMapVolumeSource { Name = "settings" } },
                    new Volume { Name = "token", Projected = new ProjectedVolumeSource { Sources = [] } },
                    new Volume { Name = "logs", HostPath = new HostPathVolumeSource { Path = "/var/log" } },
                ],
            },
        };

        await h.StartAsync(pod);

        await Eventually.TrueAsync(() => !h.Runtime.Sandboxes.IsEmpty, "sandbox requested");
        Assert.Equal(
            [("config", "configMap", (string?)null), ("token", "projected", null), ("logs", "hostPath", "/var/log")],
            h.Runtime.Sandboxes.First().Volumes.Select(v => (v.Name, v.Kind, v.HostPath)));
    }

    [Fact]
    public async Task StopAsync_AfterOrDuringDispose_DoesNotThrow()
    {
        // The agent's shutdown stops every worker while a worker whose pod just finished is being disposed by its
        // own completion: `podvisor down` crashed with ObjectDisposedException on exactly this.
        await using var h = new PodWorkerHarness();
        var (pod, worker) = await h.StartAsync(PodBuilder.Named("p").Container("app", "sleep 100").Build());
        await Eventually.TrueAsync(() => h.StatusOf(pod)?.Phase == "Running", "pod Running");

        await Task.WhenAll(worker.DisposeAsync().AsTask(), worker.StopAsync(CancellationToken.None), worker.DisposeAsync().AsTask());
        await worker.StopAsync(CancellationToken.None);
        await worker.DisposeAsync();
    }

    [Fact]
    public async Task Sync_PostStartFails_FailedPostStartHookEvent_ContainerKilledAndRestarted()
    {
        await using var h = new PodWorkerHarness();
        h.Runtime.ExecHandler = (_, _, _) => Task.FromResult(new ExecResult(1, "boom", false));
        var (pod, _) = await h.StartAsync(PodBuilder.Named("p")
            .Container("app", "sleep 100", c => c with { Lifecycle = new Podvisor.Model.Core.Lifecycle { PostStart = PodBuilder.Exec("sh", "-c", "exit 1") } })
            .Build());

        await Eventually.TrueAsync(() => h.Events.Events.Any(e => e.Reason == "FailedPostStartHook"), "FailedPostStartHook");
        var failed = h.Events.Events.First(e => e.Reason == "FailedPostStartHook");
        Assert.Equal($"Exec lifecycle hook ([sh -c exit 1]) for Container \"app\" in Pod \"p_default({pod.Metadata.Uid})\" failed - error: command 'sh -c exit 1' exited with 1: boom, message: \"boom\"", failed.Message);
        Assert.Equal("Warning", failed.Type);
        await Eventually.TrueAsync(() => h.Events.Lines.Contains("Killing: FailedPostStartHook"), "Killing FailedPostStartHook");
        await Eventually.TrueAsync(() => h.Runtime.Containers.Count(c => c.Name == "app") >= 2, "restarted");
    }

    [Fact]
    public async Task Sync_InitFailsUnderNever_PodFailed_AppNeverStarts()
    {
        await using var h = new PodWorkerHarness();
        var (pod, _) = await h.StartAsync(PodBuilder.Named("p").RestartPolicy("Never")
            .Init("init1", "true").Init("init2", "false").Container("app", "sleep 100").Build());

        await Eventually.TrueAsync(() => h.Runtime.Latest("init1")?.State == ContainerRunState.Running, "init1 runs");
        Assert.Null(h.Runtime.Latest("init2"));
        h.Runtime.Exit(h.Runtime.Latest("init1")!.Id, 0);
        await Eventually.TrueAsync(() => h.Runtime.Latest("init2")?.State == ContainerRunState.Running, "init2 runs after init1 exited 0");
        h.Runtime.Exit(h.Runtime.Latest("init2")!.Id, 1);

        await Eventually.TrueAsync(() => h.StatusOf(pod)?.Phase == "Failed", "pod Failed");
        var status = h.StatusOf(pod)!;
        var initialized = status.Conditions!.Single(c => c.Type == "Initialized");
        Assert.Equal("False", initialized.Status);
        Assert.Equal("containers with incomplete status: [init2]", initialized.Message);
        Assert.Equal("PodInitializing", status.ContainerStatuses!.Single().State!.Waiting!.Reason);
        Assert.False(h.Called("create app"));
        Assert.Equal(1, h.Runtime.Containers.Count(c => c.Name == "init2"));
    }

    [Fact]
    public async Task Sync_InitFailsUnderAlways_RestartedWithBackOff_AppWaitsPodInitializing()
    {
        await using var h = new PodWorkerHarness();
        var (pod, _) = await h.StartAsync(PodBuilder.Named("p").Init("init1", "false").Container("app", "sleep 100").Build());

        await Eventually.TrueAsync(() => h.Runtime.Latest("init1")?.State == ContainerRunState.Running, "init1 runs");
        h.Runtime.Exit(h.Runtime.Latest("init1")!.Id, 1);
        await Eventually.TrueAsync(() => h.Runtime.Containers.Count(c => c.Name == "init1") == 2, "first restart is immediate");
        h.Runtime.Exit(h.Runtime.Latest("init1")!.Id, 1);

        await Eventually.TrueAsync(() => h.ContainerStatusOf(pod, "init1")?.State?.Waiting?.Reason == "CrashLoopBackOff", "CrashLoopBackOff");
        var init = h.ContainerStatusOf(pod, "init1")!;
        Assert.Equal($"back-off 10s restarting failed container=init1 pod=p_default({pod.Metadata.Uid})", init.State!.Waiting!.Message);
        Assert.Equal(1, init.LastState!.Terminated!.ExitCode);
        Assert.Equal(1, init.RestartCount);
        Assert.Equal("PodInitializing", h.ContainerStatusOf(pod, "app")!.State!.Waiting!.Reason);
        Assert.Equal("Pending", h.StatusOf(pod)!.Phase);
        Assert.Contains($"BackOff: Back-off restarting failed container init1 in pod p_default({pod.Metadata.Uid})", h.Events.Lines);

        // The status is published before the worker arms its retry timer: advancing in between would push the
        // timer's due time along with the clock.
        var retryAt = h.Time.GetUtcNow() + TimeSpan.FromSeconds(10);
        await Eventually.TrueAsync(() => h.Time.DueTimes.Contains(retryAt), "retry timer armed for the end of the back-off");
        h.Time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(20);
        Assert.Equal(2, h.Runtime.Containers.Count(c => c.Name == "init1"));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => h.Runtime.Containers.Count(c => c.Name == "init1") == 3, "restart after 10 s back-off");
        Assert.Equal(2, h.Runtime.Latest("init1")!.Config.Attempt);
    }

    [Fact]
    public async Task Sync_NeverPolicy_ExitZero_PodSucceeded_NoRestart()
    {
        await using var h = new PodWorkerHarness();
        var (pod, _) = await h.StartAsync(PodBuilder.Named("p").RestartPolicy("Never").Container("app", "true").Build());

        await Eventually.TrueAsync(() => h.Runtime.Latest("app")?.State == ContainerRunState.Running, "app runs");
        h.Runtime.Exit(h.Runtime.Latest("app")!.Id, 0);

        await Eventually.TrueAsync(() => h.StatusOf(pod)?.Phase == "Succeeded", "Succeeded");
        Assert.Single(h.Runtime.Containers, c => c.Name == "app");
        Assert.Equal("Completed", h.ContainerStatusOf(pod, "app")!.State!.Terminated!.Reason);
    }

    [Fact]
    public async Task Liveness_Failure_KillsWithProbeGrace_AndRestartsWithHigherRestartCount()
    {
        await using var h = new PodWorkerHarness();
        var (pod, worker) = await h.StartAsync(PodBuilder.Named("p").Grace(30)
            .Container("app", "sleep 100", c => c with { LivenessProbe = PodBuilder.ExecProbe("true") with { TerminationGracePeriodSeconds = 7 } })
            .Build());
        await Eventually.TrueAsync(() => h.ContainerStatusOf(pod, "app")?.State?.Running is not null, "running");
        var first = h.Runtime.Latest("app")!;

        worker.OnProbeResult(new ProbeResultUpdate(new ProbeKey(pod.Metadata.Uid!, "app", ProbeType.Liveness), "fake://" + first.Id, ProbeResult.Failure));

        await Eventually.TrueAsync(() => h.Runtime.Containers.Count(c => c.Name == "app") == 2 && h.ContainerStatusOf(pod, "app")?.State?.Running is not null, "restarted");
        Assert.Equal(TimeSpan.FromSeconds(7), first.StopTimeouts.Single());
        Assert.Contains("Killing: Container app failed liveness probe, will be restarted", h.Events.Lines);
        var status = h.ContainerStatusOf(pod, "app")!;
        Assert.Equal(1, status.RestartCount);
        Assert.Equal(143, status.LastState!.Terminated!.ExitCode);
        var killing = h.Events.Lines.ToList().IndexOf("Killing: Container app failed liveness probe, will be restarted");
        Assert.Equal(["Pulled", "Created", "Started"], h.Events.Events.Skip(killing + 1).Select(e => e.Reason));
    }

    [Fact]
    public async Task Terminate_PreStopRunsFirst_StopGetsRemainingWholeSeconds_ThenFinalDeleteWithGraceZero()
    {
        await using var h = new PodWorkerHarness();
        var preStop = new TaskCompletionSource<ExecResult>();
        h.Runtime.ExecHandler = (_, cmd, ct) => preStop.Task.WaitAsync(ct);
        var (pod, worker) = await h.StartAsync(PodBuilder.Named("p").Grace(30)
            .Container("app", "sleep 100", c => c with { Lifecycle = new Podvisor.Model.Core.Lifecycle { PreStop = PodBuilder.Exec("drain") } })
            .Build());
        await Eventually.TrueAsync(() => h.ContainerStatusOf(pod, "app")?.State?.Running is not null, "running");

        await h.DeleteAsync(pod, worker);
        await Eventually.TrueAsync(() => h.Called("exec app drain"), "preStop runs");
        Assert.Contains("Killing: Stopping container app", h.Events.Lines);
        h.Time.Advance(TimeSpan.FromSeconds(5.7));
        preStop.SetResult(new ExecResult(0, "", false));

        await Eventually.TrueAsync(() => h.Called("stop app 25"), "stop with 30 - 5 s");
        await Eventually.TrueAsync(() => h.Client.Pods.Peek("default", "p") is null, "final delete");
        Assert.Contains(h.Client.Pods.Deletes, d => d?.GracePeriodSeconds == 0 && d.Preconditions?.Uid == pod.Metadata.Uid);
        var calls = h.Runtime.Calls.ToList();
        Assert.True(calls.IndexOf("exec app drain") < calls.IndexOf("stop app 25"));
        worker.ObjectDeleted();
        await worker.Completion.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Terminate_ContainerIgnoringSigterm_KilledWhenGraceEnds()
    {
        await using var h = new PodWorkerHarness();
        h.Runtime.ExitOnStopSignalByDefault = false;
        var (pod, worker) = await h.StartAsync(PodBuilder.Named("p").Grace(3).Container("app", "trap '' TERM; sleep 100").Build());
        await Eventually.TrueAsync(() => h.ContainerStatusOf(pod, "app")?.State?.Running is not null, "running");

        await h.DeleteAsync(pod, worker);
        await Eventually.TrueAsync(() => h.Called("stop app 3"), "stop with the pod's grace");
        await h.AdvanceUntilAsync(() => h.Runtime.Latest("app")!.State == ContainerRunState.Exited, TimeSpan.FromMilliseconds(500), "SIGKILL at grace");

        Assert.Equal(137, h.Runtime.Latest("app")!.ExitCode);
        await Eventually.TrueAsync(() => h.Client.Pods.Peek("default", "p") is null, "final delete");
    }

    [Fact]
    public async Task Terminate_NeverEndingPreStop_CutAtGrace_ThenStopWithTwoSeconds()
    {
        await using var h = new PodWorkerHarness();
        h.Runtime.ExecHandler = async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new ExecResult(0, "", false);
        };
        var (pod, worker) = await h.StartAsync(PodBuilder.Named("p").Grace(10)
            .Container("app", "sleep 100", c => c with { Lifecycle = new Podvisor.Model.Core.Lifecycle { PreStop = PodBuilder.Exec("forever") } })
            .Build());
        await Eventually.TrueAsync(() => h.ContainerStatusOf(pod, "app")?.State?.Running is not null, "running");

        await h.DeleteAsync(pod, worker);
        await Eventually.TrueAsync(() => h.Called("exec app forever"), "preStop runs");
        h.Time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(20);
        Assert.False(h.CalledPrefix("stop app"));
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await Eventually.TrueAsync(() => h.Called("stop app 2"), "stop with the 2 s floor after the grace is spent");
        Assert.DoesNotContain(h.Events.Events, e => e.Reason == "FailedPreStopHook");
    }

    [Fact]
    public async Task Terminate_ExitedContainer_NotKilled_PreStopSkipped()
    {
        await using var h = new PodWorkerHarness();
        var (pod, worker) = await h.StartAsync(PodBuilder.Named("p").RestartPolicy("Never")
            .Container("done", "true", c => c with { Lifecycle = new Podvisor.Model.Core.Lifecycle { PreStop = PodBuilder.Exec("never-run") } })
            .Container("app", "sleep 100")
            .Build());
        await Eventually.TrueAsync(() => h.Runtime.Latest("app")?.State == ContainerRunState.Running, "app runs");
        h.Runtime.Exit(h.Runtime.Latest("done")!.Id, 0);
        await Eventually.TrueAsync(() => h.ContainerStatusOf(pod, "done")?.State?.Terminated is not null, "done terminated");

        await h.DeleteAsync(pod, worker);

        await Eventually.TrueAsync(() => h.Client.Pods.Peek("default", "p") is null, "final delete");
        Assert.False(h.Called("exec done never-run"));
        Assert.DoesNotContain("Killing: Stopping container done", h.Events.Lines);
        Assert.Contains("Killing: Stopping container app", h.Events.Lines);
    }

    [Fact]
    public async Task Sidecar_StartupProbeGatesNextInitContainer()
    {
        await using var h = new PodWorkerHarness();
        var (pod, worker) = await h.StartAsync(PodBuilder.Named("p")
            .Sidecar("proxy", "sleep 100", c => c with { StartupProbe = PodBuilder.ExecProbe("true") })
            .Container("app", "sleep 100")
            .Build());
        await Eventually.TrueAsync(() => h.Runtime.Latest("proxy")?.State == ContainerRunState.Running, "sidecar runs");
        await Task.Delay(20);
        Assert.False(h.Called("create app"));

        var id = "fake://" + h.Runtime.Latest("proxy")!.Id;
        h.Probes.SetStarted(id, true);
        worker.OnProbeResult(new ProbeResultUpdate(new ProbeKey(pod.Metadata.Uid!, "proxy", ProbeType.Startup), id, ProbeResult.Success));

        await Eventually.TrueAsync(() => h.Called("start app"), "app starts once the sidecar started");
        await Eventually.TrueAsync(() => h.StatusOf(pod)?.Phase == "Running", "Running");
    }
}
