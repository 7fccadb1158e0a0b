using System.Diagnostics;
using System.Runtime.InteropServices;
using Podvisor.Model.Core;
using Podvisor.Testing.Builders;

namespace Podvisor.Node.Tests.Integration;

/// <summary>The acceptance points with real processes, the real store and the real agent.</summary>
public sealed class PodLifecycleIntegrationTests
{
    [Fact]
    public async Task LivenessExec_FailingProbe_UnhealthyThenKilling_RestartCountRisesMonotonically()
    {
        await using var node = await NodeFixture.StartAsync(initialBackOff: TimeSpan.FromSeconds(1));
        var healthy = Path.Combine(node.Root, "healthy");
        var yaml = NodeFixture.SharedExample("liveness-exec.yaml")
            .Replace("/tmp/healthy", healthy, StringComparison.Ordinal)
            .Replace("sleep 30", "sleep 3", StringComparison.Ordinal)
            .Replace("initialDelaySeconds: 5", "initialDelaySeconds: 1", StringComparison.Ordinal)
            .Replace("periodSeconds: 5", "periodSeconds: 1", StringComparison.Ordinal);
        await node.CreatePodAsync(NodeFixture.FromYaml(yaml));

        var counts = new List<int>();
        await node.WaitPodAsync(
            "liveness-exec",
            p =>
            {
                if (NodeFixture.Container(p, "liveness") is { } c)
                {
                    counts.Add(c.RestartCount);
                    return c.RestartCount >= 2 && c.State?.Running is not null;
                }

                return false;
            },
            "restarted twice",
            TimeSpan.FromSeconds(60));

        Assert.Equal(counts.OrderBy(c => c), counts);
        var lines = node.EventLines("liveness-exec");
        var firstUnhealthy = lines.ToList().FindIndex(l => l.StartsWith("Unhealthy: Liveness probe failed: ", StringComparison.Ordinal));
        var killing = lines.ToList().IndexOf("Killing: Container liveness failed liveness probe, will be restarted");
        Assert.True(firstUnhealthy >= 0, string.Join('\n', lines));
        Assert.True(killing > firstUnhealthy, string.Join('\n', lines));
        Assert.Equal(["Pulled", "Created", "Started"], lines.Skip(killing + 1).Take(3).Select(l => l.Split(':')[0]));
        var pod = await node.GetAsync("liveness-exec");
        Assert.NotNull(NodeFixture.Container(pod, "liveness")!.LastState?.Terminated);
    }

    [Fact]
    public async Task ProbesAndHooks_PostStartOnline_ReadyOverHttp_PreStopOfflineBeforeSigterm()
    {
        await using var node = await NodeFixture.StartAsync();
        var port = NodeFixture.FreePort();
        var state = Path.Combine(node.Root, "graceful-app.state");
        var log = Path.Combine(node.Root, "signals.log");
        var pod = NodeFixture.FromYaml(NodeFixture.SharedExample("probes-and-hooks.yaml")
            .Replace("7800", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("/tmp/graceful-app.state", state, StringComparison.Ordinal)
            .Replace("periodSeconds: 5", "periodSeconds: 1", StringComparison.Ordinal));
        // The app records what the state file said when SIGTERM arrived, proving preStop ran before the signal.
        var app = pod.Spec!.Containers[0] with
        {
            Command = ["/bin/sh", "-c", $"trap 'echo \"sigterm $(cat {state})\" >> {log}; kill $child; exit 0' TERM; python3 -m http.server {port} & child=$!; wait"],
        };
        pod = pod with { Spec = pod.Spec with { Containers = [app], TerminationGracePeriodSeconds = 10 } };
        await node.CreatePodAsync(pod);

        await node.WaitPodAsync("graceful-app", NodeFixture.IsReady, "Ready through the httpGet readiness probe");
        Assert.Equal("online", File.ReadAllText(state).Trim());

        await node.Client.Pods.DeleteAsync("default", "graceful-app", null, CancellationToken.None);
        await node.WaitPodAsync("graceful-app", p => p is null, "pod gone after termination");

        Assert.Equal("offline", File.ReadAllText(state).Trim());
        Assert.Equal("sigterm offline", File.ReadAllText(log).Trim());
        Assert.Contains("Killing: Stopping container app", node.EventLines("graceful-app"));
    }

    [Fact]
    public async Task PrestopUses_PreStopShredsDataBeforeTheAppExitsOnTerm()
    {
        await using var node = await NodeFixture.StartAsync();
        var sensitive = Path.Combine(node.Root, "sensitive");
        var log = Path.Combine(node.Root, "term.log");
        var pod = NodeFixture.FromYaml(NodeFixture.SharedExample("prestop-uses.yaml")
            .Replace("/tmp/sensitive", sensitive, StringComparison.Ordinal)
            .Replace("/tmp/cache-*", Path.Combine(node.Root, "cache-*"), StringComparison.Ordinal)
            .Replace("trap 'exit 0' TERM", $"trap 'test -e {sensitive} && echo present >> {log} || echo gone >> {log}; exit 0' TERM", StringComparison.Ordinal));
        await node.CreatePodAsync(pod);
        await node.WaitPodAsync("prestop-uses", p => NodeFixture.Container(p, "app")?.State?.Running is not null && File.Exists(sensitive), "running with its secret written");

        await node.Client.Pods.DeleteAsync("default", "prestop-uses", null, CancellationToken.None);
        await node.WaitPodAsync("prestop-uses", p => p is null, "pod gone");

        Assert.False(File.Exists(sensitive));
        Assert.Equal("gone", File.ReadAllText(log).Trim());
    }

    [Fact]
    public async Task InitFailure_UnderNever_PodFailed_InitializedListsIncompleteInit()
    {
        await using var node = await NodeFixture.StartAsync();
        await node.CreatePodAsync(PodBuilder.Named("init-never").RestartPolicy("Never")
            .Init("init1", "true").Init("init2", "exit 3").Container("app", "sleep 1000").Build());

        var pod = await node.WaitPodAsync("init-never", p => p?.Status?.Phase == "Failed", "Failed");

        var initialized = pod!.Status!.Conditions!.Single(c => c.Type == "Initialized");
        Assert.Equal("False", initialized.Status);
        Assert.Equal("containers with incomplete status: [init2]", initialized.Message);
        Assert.Equal(3, NodeFixture.Container(pod, "init2")!.State!.Terminated!.ExitCode);
        Assert.Equal("PodInitializing", NodeFixture.Container(pod, "app")!.State!.Waiting!.Reason);
        Assert.DoesNotContain(node.EventLines("init-never"), l => l == "Started: Started container app");
    }

    [Fact]
    public async Task InitFailure_UnderAlways_InitRestartedWithBackOff_AppWaitsPodInitializing()
    {
        await using var node = await NodeFixture.StartAsync(initialBackOff: TimeSpan.FromSeconds(10));
        await node.CreatePodAsync(PodBuilder.Named("init-always").Init("init1", "exit 1").Container("app", "sleep 1000").Build());

        var pod = await node.WaitPodAsync(
            "init-always",
            p => NodeFixture.Container(p, "init1") is { RestartCount: >= 1, State.Waiting.Reason: "CrashLoopBackOff" },
            "init1 in CrashLoopBackOff after a restart");

        Assert.StartsWith("back-off 10s restarting failed container=init1 pod=init-always_default(", NodeFixture.Container(pod, "init1")!.State!.Waiting!.Message, StringComparison.Ordinal);
        Assert.Equal("PodInitializing", NodeFixture.Container(pod, "app")!.State!.Waiting!.Reason);
        Assert.Equal("Pending", pod!.Status!.Phase);
        Assert.Contains(node.EventLines("init-always"), l => l.StartsWith("BackOff: Back-off restarting failed container init1 in pod init-always_default(", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_ContainerIgnoringSigterm_KilledAtGracePeriod()
    {
        await using var node = await NodeFixture.StartAsync();
        var marker = "ignoreterm-" + Guid.NewGuid().ToString("N");
        await node.CreatePodAsync(PodBuilder.Named("stubborn").Grace(2)
            .Container("app", "trap '' TERM; while true; do sleep 0.1; done", c => c with { Command = [.. c.Command!, marker] }).Build());
        await node.WaitPodAsync("stubborn", p => NodeFixture.Container(p, "app")?.State?.Running is not null, "running");

        var sw = Stopwatch.StartNew();
        await node.Client.Pods.DeleteAsync("default", "stubborn", null, CancellationToken.None);
        await node.WaitPodAsync("stubborn", p => p is null, "gone");

        Assert.InRange(sw.Elapsed.TotalSeconds, 1.8, 8);
        Assert.Empty(NodeFixture.LiveProcesses(null, marker));
    }

    [Fact]
    public async Task Delete_NeverEndingPreStop_CutAtGrace_ContainerKilledTwoSecondsLater()
    {
        await using var node = await NodeFixture.StartAsync();
        var marker = "prestopforever-" + Guid.NewGuid().ToString("N");
        await node.CreatePodAsync(PodBuilder.Named("hangs").Grace(2)
            .Container("app", "trap '' TERM; while true; do sleep 0.1; done", c => c with
            {
                Command = [.. c.Command!, marker],
                Lifecycle = new Podvisor.Model.Core.Lifecycle { PreStop = PodBuilder.Exec("sleep", "1000") },
            }).Build());
        await node.WaitPodAsync("hangs", p => NodeFixture.Container(p, "app")?.State?.Running is not null, "running");

        var sw = Stopwatch.StartNew();
        await node.Client.Pods.DeleteAsync("default", "hangs", null, CancellationToken.None);
        await node.WaitPodAsync("hangs", p => p is null, "gone");

        Assert.InRange(sw.Elapsed.TotalSeconds, 3.8, 10);
        Assert.Empty(NodeFixture.LiveProcesses(null, marker));
    }

    [Fact]
    public async Task ExecProbe_OutlivingTimeout_CountsAsFailure()
    {
        await using var node = await NodeFixture.StartAsync();
        await node.CreatePodAsync(PodBuilder.Named("slowprobe")
            .Container("app", "sleep 1000", c => c with { LivenessProbe = PodBuilder.ExecProbe("sleep 5", period: 1, failureThreshold: 1, timeout: 1) }).Build());

        await node.WaitPodAsync("slowprobe", p => NodeFixture.Container(p, "app")?.RestartCount >= 1, "killed by the timed-out liveness probe", TimeSpan.FromSeconds(30));

        Assert.Contains("Killing: Container app failed liveness probe, will be restarted", node.EventLines("slowprobe"));
    }

    [Fact]
    public async Task StartupProbe_GatesLiveness_UntilItSucceeds()
    {
        await using var node = await NodeFixture.StartAsync();
        var started = Path.Combine(node.Root, "started");
        var early = Path.Combine(node.Root, "liveness-ran-early");
        var runs = Path.Combine(node.Root, "liveness-runs");
        await node.CreatePodAsync(PodBuilder.Named("gated")
            .Container("app", $"sleep 3; touch {started}; sleep 1000", c => c with
            {
                StartupProbe = PodBuilder.ExecProbe($"test -f {started}", period: 1, failureThreshold: 30),
                LivenessProbe = PodBuilder.ExecProbe($"test -f {started} || touch {early}; echo run >> {runs}", period: 1, failureThreshold: 1),
            }).Build());

        await node.WaitPodAsync("gated", p => NodeFixture.Container(p, "app")?.Started == false && NodeFixture.Container(p, "app")?.State?.Running is not null, "running, not started");
        await node.WaitPodAsync("gated", p => NodeFixture.Container(p, "app")?.Started == true && NodeFixture.IsReady(p), "started and ready", TimeSpan.FromSeconds(20));
        await node.WaitPodAsync("gated", _ => File.Exists(runs) && File.ReadAllLines(runs).Length >= 2, "liveness runs after startup");

        Assert.False(File.Exists(early));
        Assert.Equal(0, NodeFixture.Container(await node.GetAsync("gated"), "app")!.RestartCount);
    }

    [Fact]
    public async Task Readiness_FlipsBothWays_WithTheFile()
    {
        await using var node = await NodeFixture.StartAsync();
        var ready = Path.Combine(node.Root, "ready");
        await node.CreatePodAsync(PodBuilder.Named("flips")
            .Container("app", "sleep 1000", c => c with { ReadinessProbe = PodBuilder.ExecProbe($"test -f {ready}", period: 1, failureThreshold: 1) }).Build());

        await node.WaitPodAsync("flips", p => NodeFixture.Container(p, "app")?.State?.Running is not null, "running");
        await WaitUntilAsync(() => node.EventLines("flips").Any(l => l.StartsWith("Unhealthy: Readiness probe failed", StringComparison.Ordinal)), "a failed readiness run");
        var pod = await node.GetAsync("flips");
        Assert.False(NodeFixture.IsReady(pod));
        Assert.Equal("containers with unready status: [app]", pod!.Status!.Conditions!.Single(c => c.Type == "Ready").Message);

        File.WriteAllText(ready, "");
        await node.WaitPodAsync("flips", NodeFixture.IsReady, "Ready after the file appears");
        File.Delete(ready);
        await node.WaitPodAsync("flips", p => !NodeFixture.IsReady(p) && NodeFixture.Container(p, "app")?.Ready == false, "not Ready after the file is gone");
        File.WriteAllText(ready, "");
        await node.WaitPodAsync("flips", NodeFixture.IsReady, "Ready again");
    }

    [Fact]
    public async Task Delete_BackgroundChildren_NothingLeftBehind()
    {
        await using var node = await NodeFixture.StartAsync();
        var marker = "bgkids-" + Guid.NewGuid().ToString("N");
        await node.CreatePodAsync(PodBuilder.Named("bg").Grace(1)
            .Container("app", "sleep 1000 & sleep 1000", c => c with { Command = [.. c.Command!, marker] }).Build());
        await node.WaitPodAsync("bg", p => NodeFixture.Container(p, "app")?.State?.Running is not null, "running");
        var info = (await node.Runtime.ListContainersAsync(CancellationToken.None)).Single();
        var sid = info.Pid!.Value;
        await WaitUntilAsync(() => NodeFixture.LiveProcesses(sid, null).Count >= 3, "sh and both sleeps in the session");

        await node.Client.Pods.DeleteAsync("default", "bg", null, CancellationToken.None);
        await node.WaitPodAsync("bg", p => p is null, "gone");

        Assert.Empty(NodeFixture.LiveProcesses(sid, marker));
        Assert.Empty(await node.Runtime.ListContainersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AgentRestart_AdoptsRunningContainers_RestartCountUnchanged_NoExtraProcesses()
    {
        await using var node = await NodeFixture.StartAsync();
        var marker = "adopt-" + Guid.NewGuid().ToString("N");
        await node.CreatePodAsync(PodBuilder.Named("survivor")
            .Container("app", "sleep 1000", c => c with { Command = [.. c.Command!, marker] }).Build());
        var before = await node.WaitPodAsync("survivor", p => NodeFixture.Container(p, "app")?.State?.Running is not null, "running");
        var containerId = NodeFixture.Container(before, "app")!.ContainerID;
        var processes = NodeFixture.LiveProcesses(null, marker);
        Assert.Single(processes);

        await node.RestartAgentAsync();
        await WaitUntilAsync(() => node.Agent.Status.GetSnapshot(before!.Metadata.Uid!) is not null, "the new agent computed the pod's status");

        var after = await node.WaitPodAsync("survivor", p => NodeFixture.Container(p, "app")?.State?.Running is not null, "still running");
        Assert.Equal(containerId, NodeFixture.Container(after, "app")!.ContainerID);
        Assert.Equal(0, NodeFixture.Container(after, "app")!.RestartCount);
        Assert.Equal(processes, NodeFixture.LiveProcesses(null, marker));
        Assert.Single(await node.Runtime.ListContainersAsync(CancellationToken.None));

        await node.Client.Pods.DeleteAsync("default", "survivor", null, CancellationToken.None);
        await node.WaitPodAsync("survivor", p => p is null, "gone");
        Assert.Empty(NodeFixture.LiveProcesses(null, marker));
    }

    [Fact]
    public async Task AgentRestart_ContainerDiedWhileDown_LastStateUnknown_RestartedOnce()
    {
        await using var node = await NodeFixture.StartAsync();
        var marker = "diedwhiledown-" + Guid.NewGuid().ToString("N");
        await node.CreatePodAsync(PodBuilder.Named("lost")
            .Container("app", "sleep 1000", c => c with { Command = [.. c.Command!, marker] }).Build());
        await node.WaitPodAsync("lost", p => NodeFixture.Container(p, "app")?.State?.Running is not null, "running");

        await node.RestartAgentAsync(() =>
        {
            // The runtime lives in this test process, so the container is our child: kill and reap it here, as init
            // would after a real podvisor crash, so that no exit status is left for the next runtime to observe.
            foreach (var pid in NodeFixture.LiveProcesses(null, marker))
            {
                Process.GetProcessById(pid).Kill(entireProcessTree: true);
                Assert.Equal(pid, WaitPid(pid, out _, 0));
            }

            Assert.Empty(NodeFixture.LiveProcesses(null, marker));
            return Task.CompletedTask;
        });

        var pod = await node.WaitPodAsync("lost", p => NodeFixture.Container(p, "app") is { RestartCount: 1, State.Running: not null }, "restarted once");
        var last = NodeFixture.Container(pod, "app")!.LastState!.Terminated!;
        Assert.Equal(137, last.ExitCode);
        Assert.Equal("ContainerStatusUnknown", last.Reason);
    }

    [Fact]
    public async Task OrphanedContainer_PodGoneWhileAgentDown_IsStoppedAndRemoved()
    {
        await using var node = await NodeFixture.StartAsync();
        var marker = "orphan-" + Guid.NewGuid().ToString("N");
        await node.CreatePodAsync(PodBuilder.Named("orphan").Container("app", "sleep 1000", c => c with { Command = [.. c.Command!, marker] }).Build());
        await node.WaitPodAsync("orphan", p => NodeFixture.Container(p, "app")?.State?.Running is not null, "running");

        await node.RestartAgentAsync(async () =>
        {
            await node.Client.Pods.DeleteAsync("default", "orphan", new() { GracePeriodSeconds = 0 }, CancellationToken.None);
        });

        await WaitUntilAsync(() => NodeFixture.LiveProcesses(null, marker).Count == 0, "orphan stopped");
        Assert.Empty(await node.Runtime.ListContainersAsync(CancellationToken.None));
    }

    [DllImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static extern int WaitPid(int pid, out int status, int options);

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out: " + what);
            await Task.Delay(50);
        }
    }
}
