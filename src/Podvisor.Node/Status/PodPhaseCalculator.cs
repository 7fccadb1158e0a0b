using Podvisor.Model.Core;

namespace Podvisor.Node.Status;

/// <summary>
/// The kubelet's getPhase (SPEC §3.1), a pure function of the spec and the container statuses. It never returns
/// Unknown and knows nothing about stickiness; the status manager keeps terminal phases.
/// </summary>
public static class PodPhaseCalculator
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    /// <param name="podIsTerminal">The node agent is killing the pod (deleted, or finished) and will not restart anything.</param>
    public static string GetPhase(PodSpec spec, IReadOnlyList<ContainerStatus>? initStatuses, IReadOnlyList<ContainerStatus>? statuses, bool podIsTerminal)
    {
        var pendingInitialization = 0;
        var failedInitialization = 0;
        var running = 0;
        var waiting = 0;
        var stopped = 0;
        var succeeded = 0;
        var unknown = 0;

        foreach (var container in spec.InitContainers ?? [])
        {
            var status = Find(initStatuses, container.Name);
            if (PodFormat.IsSidecar(container))
            {
                if (status?.State is not { } s)
                {
                    unknown++;
                }
                else if (s.Running is not null)
                {
                    running++;
                    if (status.Started != true)
                    {
                        pendingInitialization++;
                    }
                }
                else if (s.Waiting is not null && status.LastState?.Terminated is null)
                {
                    pendingInitialization++;
                    waiting++;
                }

                continue;
            }

            if (status?.State is not { } state)
            {
                pendingInitialization++;
            }
            else if (state.Running is not null)
            {
                pendingInitialization++;
            }
            else if (state.Terminated is { } t)
            {
                if (t.ExitCode != 0)
                {
                    failedInitialization++;
                }
            }
            else if (status.LastState?.Terminated is { ExitCode: not 0 })
            {
                failedInitialization++;
            }
            else
            {
                pendingInitialization++;
            }
        }

        foreach (var container in spec.Containers)
        {
            var status = Find(statuses, container.Name);
            if (status?.State is not { } state)
            {
                unknown++;
            }
            else if (state.Running is not null)
            {
                running++;
            }
            else if (state.Terminated is { } t)
            {
                stopped++;
                if (t.ExitCode == 0)
                {
                    succeeded++;
                }
            }
            else if (status.LastState?.Terminated is not null)
            {
                stopped++;
            }
            else
            {
                waiting++;
            }
        }

        var restartPolicy = spec.RestartPolicy ?? "Always";
        if (failedInitialization > 0 && restartPolicy == "Never")
        {
            return Failed;
        }

        if ((pendingInitialization > 0 && !HasAnyRegularContainerStarted(spec, statuses)) || waiting > 0)
        {
            return Pending;
        }

        if (running > 0 && unknown == 0)
        {
            return Running;
        }

        if (running == 0 && stopped > 0 && unknown == 0)
        {
            if (podIsTerminal)
            {
                return stopped == succeeded ? Succeeded : Failed;
            }

            if (restartPolicy == "Always")
            {
                return Running;
            }

            if (stopped == succeeded)
            {
                return Succeeded;
            }

            return restartPolicy == "Never" ? Failed : Running;
        }

        return Pending;
    }

    /// <summary>A regular container that is running, terminated, or waiting after an earlier run.</summary>
    public static bool HasAnyRegularContainerStarted(PodSpec spec, IReadOnlyList<ContainerStatus>? statuses)
    {
        foreach (var container in spec.Containers)
        {
            var status = Find(statuses, container.Name);
            if (status?.State is { } s && (s.Running is not null || s.Terminated is not null || status.LastState?.Terminated is not null))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsTerminal(string? phase) => phase is Succeeded or Failed;

    internal static ContainerStatus? Find(IReadOnlyList<ContainerStatus>? statuses, string name)
    {
        if (statuses is null)
        {
            return null;
        }

        foreach (var s in statuses)
        {
            if (s.Name == name)
            {
                return s;
            }
        }

        return null;
    }
}
