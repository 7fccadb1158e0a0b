using Podvisor.Model.Core;
using Podvisor.Node.Status;

namespace Podvisor.Node.Tests.Status;

public sealed class PodPhaseCalculatorTests
{
    /// <summary>
    /// Container state shorthand: "R" running, "R-" running not started (sidecar), "T0"/"T1" terminated with exit code,
    /// "W" waiting, "W0"/"W1" waiting after a run that exited 0/1, "-" no status.
    /// </summary>
    [Theory]
    // regular containers only
    [InlineData("Always", "", "R", false, "Running")]
    [InlineData("Always", "", "W", false, "Pending")]
    [InlineData("Always", "", "-", false, "Pending")]
    [InlineData("Always", "", "R,-", false, "Pending")]
    [InlineData("Always", "", "T0", false, "Running")]
    [InlineData("Always", "", "T1", false, "Running")]
    [InlineData("Always", "", "W1", false, "Running")]
    [InlineData("OnFailure", "", "T0", false, "Succeeded")]
    [InlineData("OnFailure", "", "T1", false, "Running")]
    [InlineData("Never", "", "T0", false, "Succeeded")]
    [InlineData("Never", "", "T1", false, "Failed")]
    [InlineData("Never", "", "T0,T1", false, "Failed")]
    [InlineData("Never", "", "R,T1", false, "Running")]
    // terminal (being killed): exit codes decide regardless of policy
    [InlineData("Always", "", "T0", true, "Succeeded")]
    [InlineData("Always", "", "T143", true, "Failed")]
    [InlineData("Always", "", "T0,T137", true, "Failed")]
    // regular init containers
    [InlineData("Never", "i:T1", "W", false, "Failed")]
    [InlineData("Always", "i:T1", "W", false, "Pending")]
    [InlineData("Always", "i:W1", "W", false, "Pending")]
    [InlineData("Always", "i:R", "W", false, "Pending")]
    [InlineData("Always", "i:-", "-", false, "Pending")]
    [InlineData("Always", "i:T0", "R", false, "Running")]
    // sidecars
    [InlineData("Always", "s:R-", "W", false, "Pending")]
    [InlineData("Always", "s:R", "R", false, "Running")]
    [InlineData("Never", "s:R", "T0", false, "Running")]
    [InlineData("Never", "s:T1", "T0", false, "Succeeded")]
    [InlineData("Always", "s:R-", "R", false, "Running")]
    public void GetPhase_Matrix_MatchesKubelet(string policy, string init, string regular, bool terminal, string expected)
    {
        var spec = new PodSpec { RestartPolicy = policy };
        var initContainers = new List<Container>();
        var initStatuses = new List<ContainerStatus>();
        var i = 0;
        foreach (var item in init.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (kind, state) = (item[0], item[2..]);
            var name = $"init{i++}";
            initContainers.Add(new Container { Name = name, RestartPolicy = kind == 's' ? "Always" : null });
            if (Status(name, state) is { } s)
            {
                initStatuses.Add(s);
            }
        }

        var containers = new List<Container>();
        var statuses = new List<ContainerStatus>();
        var n = 0;
        foreach (var state in regular.Split(','))
        {
            var name = $"c{n++}";
            containers.Add(new Container { Name = name });
            if (Status(name, state) is { } s)
            {
                statuses.Add(s);
            }
        }

        spec = spec with { InitContainers = initContainers, Containers = containers };

        Assert.Equal(expected, PodPhaseCalculator.GetPhase(spec, initStatuses, statuses, terminal));
    }

    private static ContainerStatus? Status(string name, string state) => state switch
    {
        "-" => null,
        "R" => new ContainerStatus { Name = name, State = new ContainerState { Running = new ContainerStateRunning() }, Started = true },
        "R-" => new ContainerStatus { Name = name, State = new ContainerState { Running = new ContainerStateRunning() }, Started = false },
        "W" => new ContainerStatus { Name = name, State = ContainerState.OfWaiting("ContainerCreating") },
        ['W', .. var code] => new ContainerStatus
        {
            Name = name,
            State = ContainerState.OfWaiting("CrashLoopBackOff"),
            LastState = new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) } },
        },
        ['T', .. var code] => new ContainerStatus
        {
            Name = name,
            State = new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) } },
        },
        _ => throw new ArgumentException(state),
    };
}
