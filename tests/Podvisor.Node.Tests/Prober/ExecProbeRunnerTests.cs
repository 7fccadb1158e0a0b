using Podvisor.Model.Core;
using Podvisor.Node.Prober;
using Podvisor.Node.Prober.Runners;
using Podvisor.Runtime;

namespace Podvisor.Node.Tests.Prober;

/// <summary>exec probes through the runtime's ExecSync (SPEC §1.6).</summary>
public sealed class ExecProbeRunnerTests
{
    private static ProbeRequest Request(IReadOnlyList<string> command, IReadOnlyList<EnvVar>? env = null)
    {
        var probe = new Probe { Exec = new ExecAction { Command = command }, TimeoutSeconds = 2 };
        var container = new Container { Name = "app", Env = env, LivenessProbe = probe };
        return new ProbeRequest(ProbeTestKit.Pod(container), new PodStatus(), container, "c1", probe, TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData(0, false, "Success", "ok\n")]
    [InlineData(1, false, "Failure", "ok\n")]
    [InlineData(137, true, "Failure", "command \"sleep 5\" timed out")]
    public async Task Run_ExitCodeAndTimeout_MapToOutcome(int exitCode, bool timedOut, string kind, string output)
    {
        (string Id, IReadOnlyList<string> Cmd, TimeSpan Timeout, int Max)? seen = null;
        var runner = new ExecProbeRunner(new ExecOnlyRuntime((id, cmd, timeout, max) =>
        {
            seen = (id, cmd, timeout, max);
            return Task.FromResult(new ExecResult(exitCode, timedOut ? "" : "ok\n", timedOut));
        }));

        var outcome = await runner.RunAsync(Request(["sleep", "5"]), CancellationToken.None);

        Assert.Equal(new ProbeOutcome(Enum.Parse<ProbeOutcomeKind>(kind), output), outcome);
        Assert.Equal(("c1", TimeSpan.FromSeconds(2), 10 * 1024), (seen!.Value.Id, seen.Value.Timeout, seen.Value.Max));
    }

    [Fact]
    public async Task Run_RuntimeError_IsAnError()
    {
        var runner = new ExecProbeRunner(new ExecOnlyRuntime((_, _, _, _) =>
            throw new RuntimeException(RuntimeErrorReason.NotFound, "container c1 is not running")));

        var outcome = await runner.RunAsync(Request(["true"]), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error("container c1 is not running"), outcome);
    }

    [Fact]
    public void ExpandStatic_OnlyLiteralEnvValues()
    {
        EnvVar[] env =
        [
            new() { Name = "FILE", Value = "/tmp/healthy" },
            new() { Name = "POD", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.name" } } },
        ];

        var expanded = ExecProbeRunner.ExpandStatic(["cat", "$(FILE)", "$(POD)", "$$(FILE)", "$(MISSING)", "a$b"], env);

        Assert.Equal(["cat", "/tmp/healthy", "$(POD)", "$(FILE)", "$(MISSING)", "a$b"], expanded);
    }

    [Fact]
    public async Task Worker_ExecTimeout_CountsAsLivenessFailure()
    {
        var kit = new ProbeTestKit();
        var runtime = new ExecOnlyRuntime((_, _, _, _) => Task.FromResult(new ExecResult(137, "", TimedOut: true)));
        var dispatcher = new ProbeDispatcher(runtime, kit.Time, "1.32");
        var probe = new Probe { Exec = new ExecAction { Command = ["sleep", "5"] }, FailureThreshold = 1 };
        var pod = ProbeTestKit.Pod(ProbeTestKit.Container(ProbeType.Liveness, probe));
        kit.SetStatus(pod, ProbeTestKit.Running("app", "process://c1", kit.Time.GetUtcNow()));
        var worker = new ProbeWorker(new ProbeKey("uid-1", "app", ProbeType.Liveness), pod, pod.Spec!.Containers[0], false, probe, kit.Context with { Runner = dispatcher });

        await worker.ProbeOnceAsync(CancellationToken.None);

        Assert.True(kit.Results.TryGet("c1", ProbeType.Liveness, out var result));
        Assert.Equal(ProbeResult.Failure, result);
        Assert.Equal(["Warning Unhealthy Liveness probe failed: command \"sleep 5\" timed out"], kit.Events.Messages);
    }
}
