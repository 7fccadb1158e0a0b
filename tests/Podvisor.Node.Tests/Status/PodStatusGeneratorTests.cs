using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Node.Status;
using Podvisor.Testing.Builders;

namespace Podvisor.Node.Tests.Status;

public sealed class PodStatusGeneratorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed class Probes(bool? ready = null, bool? started = null) : IProbeResults
    {
        public bool? Readiness(string containerId) => ready;

        public bool? Startup(string containerId) => started;
    }

    private static ContainerStatus Running(string name) => new()
    {
        Name = name,
        ContainerID = "fake://" + name,
        State = new ContainerState { Running = new ContainerStateRunning { StartedAt = T0 } },
    };

    private static ContainerStatus Terminated(string name, int code) => new()
    {
        Name = name,
        ContainerID = "fake://" + name,
        State = new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = code } },
    };

    private static ContainerStatus Waiting(string name, string reason) => new() { Name = name, State = ContainerState.OfWaiting(reason) };

    [Fact]
    public void Generate_ConditionsInKubeletOrder_AllTrueWhenRunningWithoutProbes()
    {
        var pod = PodBuilder.Named("p").Container("c1", "x").Build();
        var view = new PodRuntimeView { SandboxReady = true, PodIp = "127.0.0.1", HostIp = "127.0.0.1", ContainerStatuses = [Running("c1")], PostStartDone = new HashSet<string> { "c1" } };

        var status = PodStatusGenerator.Generate(pod, view, new Probes(), null, T0);

        Assert.Equal(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"], status.Conditions!.Select(c => c.Type));
        Assert.All(status.Conditions!, c => Assert.Equal("True", c.Status));
        Assert.Equal("Running", status.Phase);
        Assert.True(status.ContainerStatuses![0].Ready);
        Assert.True(status.ContainerStatuses[0].Started);
        Assert.Equal("BestEffort", status.QosClass);
        Assert.Equal("127.0.0.1", status.PodIPs![0].Ip);
    }

    [Fact]
    public void Generate_InitNotDone_InitializedFalseWithIncompleteNamesInSpecOrder()
    {
        var pod = PodBuilder.Named("p").Init("init1", "x").Init("init2", "x").Container("c1", "x").Build();
        var view = new PodRuntimeView
        {
            SandboxReady = true,
            InitContainerStatuses = [Terminated("init1", 0), Waiting("init2", "PodInitializing")],
            ContainerStatuses = [Waiting("c1", "PodInitializing")],
        };

        var status = PodStatusGenerator.Generate(pod, view, new Probes(), null, T0);

        var initialized = status.Conditions!.Single(c => c.Type == "Initialized");
        Assert.Equal("False", initialized.Status);
        Assert.Equal("ContainersNotInitialized", initialized.Reason);
        Assert.Equal("containers with incomplete status: [init2]", initialized.Message);
        var ready = status.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal("containers with unready status: [c1]", ready.Message);
        Assert.Equal("ContainersNotReady", ready.Reason);
        Assert.Equal("Pending", status.Phase);
        Assert.True(status.InitContainerStatuses![0].Ready);
    }

    [Fact]
    public void Generate_ReadinessProbeWithoutResult_NotReady_ThenReadyAfterSuccess()
    {
        var pod = PodBuilder.Named("p").Container("c1", "x", c => c with { ReadinessProbe = PodBuilder.ExecProbe("true") }).Build();
        var view = new PodRuntimeView { SandboxReady = true, ContainerStatuses = [Running("c1")], PostStartDone = new HashSet<string> { "c1" } };

        var before = PodStatusGenerator.Generate(pod, view, new Probes(ready: null), null, T0);
        var after = PodStatusGenerator.Generate(pod, view, new Probes(ready: true), before, T0.AddSeconds(5));

        Assert.False(before.ContainerStatuses![0].Ready);
        Assert.Equal("False", before.Conditions!.Single(c => c.Type == "Ready").Status);
        Assert.True(after.ContainerStatuses![0].Ready);
        var readyAfter = after.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal("True", readyAfter.Status);
        Assert.Equal(T0.AddSeconds(5), readyAfter.LastTransitionTime);
        Assert.Equal(T0, after.Conditions!.Single(c => c.Type == "PodScheduled").LastTransitionTime);
    }

    [Fact]
    public void Generate_StartupProbePending_NotStarted()
    {
        var pod = PodBuilder.Named("p").Container("c1", "x", c => c with { StartupProbe = PodBuilder.ExecProbe("true") }).Build();
        var view = new PodRuntimeView { SandboxReady = true, ContainerStatuses = [Running("c1")], PostStartDone = new HashSet<string> { "c1" } };

        var status = PodStatusGenerator.Generate(pod, view, new Probes(started: null), null, T0);

        Assert.False(status.ContainerStatuses![0].Started);
        Assert.False(status.ContainerStatuses[0].Ready);
    }

    [Fact]
    public void Generate_TerminalPhaseIsSticky()
    {
        var pod = PodBuilder.Named("p").RestartPolicy("Never").Container("c1", "x").Build();
        var previous = new PodStatus { Phase = "Failed" };
        var view = new PodRuntimeView { SandboxReady = false, ContainerStatuses = [Running("c1")], PostStartDone = new HashSet<string> { "c1" } };

        Assert.Equal("Failed", PodStatusGenerator.Generate(pod, view, new Probes(), previous, T0).Phase);
    }

    [Fact]
    public void Generate_Succeeded_ContainersReadyFalsePodCompleted()
    {
        var pod = PodBuilder.Named("p").RestartPolicy("Never").Container("c1", "x").Build();
        var view = new PodRuntimeView { ContainerStatuses = [Terminated("c1", 0)], PodIsTerminal = true };

        var status = PodStatusGenerator.Generate(pod, view, new Probes(), null, T0);

        Assert.Equal("Succeeded", status.Phase);
        Assert.Equal("PodCompleted", status.Conditions!.Single(c => c.Type == "ContainersReady").Reason);
        Assert.Equal("False", status.Conditions!.Single(c => c.Type == "PodReadyToStartContainers").Status);
    }

    [Theory]
    [InlineData(null, null, "BestEffort")]
    [InlineData("100m", null, "Burstable")]
    [InlineData("100m", "100m", "Guaranteed")]
    public void QosClass_FromRequestsAndLimits(string? request, string? limit, string expected)
    {
        var resources = new ResourceRequirements
        {
            Requests = request is null ? null : new Dictionary<string, Quantity> { ["cpu"] = request, ["memory"] = "64Mi" },
            Limits = limit is null ? null : new Dictionary<string, Quantity> { ["cpu"] = limit, ["memory"] = "64Mi" },
        };
        var spec = new PodSpec { Containers = [new Container { Name = "c", Resources = request is null && limit is null ? null : resources }] };

        Assert.Equal(expected, PodStatusGenerator.QosClassOf(spec));
    }
}
