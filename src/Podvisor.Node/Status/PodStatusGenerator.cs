using Podvisor.Model.Core;

namespace Podvisor.Node.Status;

/// <summary>
/// generateAPIPodStatus (SPEC §3): phase, conditions in the kubelet's order, container statuses with ready/started,
/// IPs, start time and QoS class. Pure: the same inputs give the same status.
/// </summary>
public static class PodStatusGenerator
{
    public const string PodReadyToStartContainers = "PodReadyToStartContainers";
    public const string Initialized = "Initialized";
    public const string Ready = "Ready";
    public const string ContainersReady = "ContainersReady";
    public const string PodScheduled = "PodScheduled";

    private static readonly HashSet<string> OwnedConditions = [PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled];

    public static PodStatus Generate(Pod pod, PodRuntimeView view, IProbeResults probes, PodStatus? previous, DateTimeOffset now)
    {
        var spec = pod.Spec ?? new PodSpec();
        var init = FillProbeState(spec.InitContainers ?? [], view.InitContainerStatuses, probes, view, isInit: true);
        var regular = FillProbeState(spec.Containers, view.ContainerStatuses, probes, view, isInit: false);

        var phase = PodPhaseCalculator.GetPhase(spec, init, regular, view.PodIsTerminal);
        if (PodPhaseCalculator.IsTerminal(previous?.Phase))
        {
            phase = previous!.Phase!;
        }

        var conditions = new List<PodCondition>
        {
            Condition(PodReadyToStartContainers, view.SandboxReady, null, null),
            InitializedCondition(spec, init, regular, phase),
        };
        var containersReady = ContainersReadyCondition(spec, init, regular, phase);
        conditions.Add(ReadyCondition(spec, containersReady, previous));
        conditions.Add(containersReady);
        conditions.Add(Condition(PodScheduled, true, null, null));

        var merged = new List<PodCondition>(conditions.Count);
        foreach (var c in conditions)
        {
            merged.Add(WithTransitionTime(c, previous, now));
        }

        foreach (var c in previous?.Conditions ?? [])
        {
            if (!OwnedConditions.Contains(c.Type))
            {
                merged.Add(c);
            }
        }

        return new PodStatus
        {
            Phase = phase,
            Conditions = merged,
            Message = previous?.Phase == phase ? previous.Message : null,
            Reason = previous?.Phase == phase ? previous.Reason : null,
            NominatedNodeName = previous?.NominatedNodeName,
            HostIP = view.HostIp,
            HostIPs = view.HostIp is null ? null : [new HostIP { Ip = view.HostIp }],
            PodIP = view.PodIp,
            PodIPs = view.PodIp is null ? null : [new PodIP { Ip = view.PodIp }],
            StartTime = previous?.StartTime ?? view.StartTime,
            InitContainerStatuses = spec.InitContainers is { Count: > 0 } ? init : null,
            ContainerStatuses = regular,
            QosClass = QosClassOf(spec),
        };
    }

    private static List<ContainerStatus> FillProbeState(IReadOnlyList<Container> containers, IReadOnlyList<ContainerStatus> statuses, IProbeResults probes, PodRuntimeView view, bool isInit)
    {
        var result = new List<ContainerStatus>(containers.Count);
        foreach (var container in containers)
        {
            var status = PodPhaseCalculator.Find(statuses, container.Name);
            if (status is null)
            {
                continue;
            }

            var running = status.State?.Running is not null;
            bool? started = null;
            var ready = false;
            if (isInit && !PodFormat.IsSidecar(container))
            {
                ready = status.State?.Terminated is { ExitCode: 0 };
                started = running ? true : false;
            }
            else
            {
                started = running && IsStarted(container, status, probes, view);
                ready = started == true && (container.ReadinessProbe is null || (status.ContainerID is { } id && probes.Readiness(id) == true));
            }

            result.Add(status with { Started = started, Ready = ready });
        }

        return result;
    }

    private static bool IsStarted(Container container, ContainerStatus status, IProbeResults probes, PodRuntimeView view)
    {
        if (!view.PostStartDone.Contains(container.Name))
        {
            return false;
        }

        if (container.StartupProbe is null)
        {
            return true;
        }

        return status.ContainerID is { } id && probes.Startup(id) == true;
    }

    /// <summary>"process://abc" → "abc".</summary>
    public static string StripScheme(string containerId)
    {
        var i = containerId.IndexOf("://", StringComparison.Ordinal);
        return i < 0 ? containerId : containerId[(i + 3)..];
    }

    private static PodCondition InitializedCondition(PodSpec spec, IReadOnlyList<ContainerStatus> init, IReadOnlyList<ContainerStatus> regular, string phase)
    {
        if (phase == PodPhaseCalculator.Succeeded && spec.InitContainers is { Count: > 0 })
        {
            return Condition(Initialized, true, "PodCompleted", null);
        }

        if (spec.InitContainers is not { Count: > 0 } || PodPhaseCalculator.HasAnyRegularContainerStarted(spec, regular))
        {
            return Condition(Initialized, true, null, null);
        }

        var incomplete = new List<string>();
        foreach (var container in spec.InitContainers)
        {
            var status = PodPhaseCalculator.Find(init, container.Name);
            var done = PodFormat.IsSidecar(container) ? status?.Started == true : status?.Ready == true;
            if (!done)
            {
                incomplete.Add(container.Name);
            }
        }

        return incomplete.Count == 0
            ? Condition(Initialized, true, null, null)
            : Condition(Initialized, false, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(' ', incomplete)}]");
    }

    private static PodCondition ContainersReadyCondition(PodSpec spec, IReadOnlyList<ContainerStatus> init, IReadOnlyList<ContainerStatus> regular, string phase)
    {
        if (phase == PodPhaseCalculator.Succeeded)
        {
            return Condition(ContainersReady, false, "PodCompleted", null);
        }

        if (phase == PodPhaseCalculator.Failed)
        {
            return Condition(ContainersReady, false, "PodFailed", null);
        }

        if (init.Count == 0 && regular.Count == 0)
        {
            return Condition(ContainersReady, false, "UnknownContainerStatuses", null);
        }

        var unready = new List<string>();
        var unknown = new List<string>();
        foreach (var container in spec.InitContainers ?? [])
        {
            if (!PodFormat.IsSidecar(container))
            {
                continue;
            }

            var status = PodPhaseCalculator.Find(init, container.Name);
            if (status is null)
            {
                unknown.Add(container.Name);
            }
            else if (!status.Ready)
            {
                unready.Add(container.Name);
            }
        }

        foreach (var container in spec.Containers)
        {
            var status = PodPhaseCalculator.Find(regular, container.Name);
            if (status is null)
            {
                unknown.Add(container.Name);
            }
            else if (!status.Ready)
            {
                unready.Add(container.Name);
            }
        }

        if (unready.Count == 0 && unknown.Count == 0)
        {
            return Condition(ContainersReady, true, null, null);
        }

        var parts = new List<string>(2);
        if (unknown.Count > 0)
        {
            parts.Add($"containers with unknown status: [{string.Join(' ', unknown)}]");
        }

        if (unready.Count > 0)
        {
            parts.Add($"containers with unready status: [{string.Join(' ', unready)}]");
        }

        return Condition(ContainersReady, false, "ContainersNotReady", string.Join(", ", parts));
    }

    private static PodCondition ReadyCondition(PodSpec spec, PodCondition containersReady, PodStatus? previous)
    {
        if (containersReady.Status != "True")
        {
            return containersReady with { Type = Ready };
        }

        foreach (var gate in spec.ReadinessGates ?? [])
        {
            var c = previous?.Conditions?.FirstOrDefault(x => x.Type == gate.ConditionType);
            if (c is null)
            {
                return Condition(Ready, false, "ReadinessGatesNotReady", $"corresponding condition of pod readiness gate \"{gate.ConditionType}\" does not exist.");
            }

            if (c.Status != "True")
            {
                return Condition(Ready, false, "ReadinessGatesNotReady", $"the status of pod readiness gate \"{gate.ConditionType}\" is not \"True\", but {c.Status}");
            }
        }

        return Condition(Ready, true, null, null);
    }

    private static PodCondition Condition(string type, bool status, string? reason, string? message) =>
        new() { Type = type, Status = status ? "True" : "False", Reason = reason, Message = message };

    private static PodCondition WithTransitionTime(PodCondition c, PodStatus? previous, DateTimeOffset now)
    {
        var old = previous?.Conditions?.FirstOrDefault(x => x.Type == c.Type);
        return c with { LastTransitionTime = old is not null && old.Status == c.Status ? old.LastTransitionTime : now };
    }

    /// <summary>Guaranteed: every container has cpu and memory limits equal to its requests; BestEffort: nothing set.</summary>
    public static string QosClassOf(PodSpec spec)
    {
        var all = (spec.InitContainers ?? []).Concat(spec.Containers).ToList();
        var any = false;
        var guaranteed = true;
        foreach (var c in all)
        {
            var limits = c.Resources?.Limits;
            var requests = c.Resources?.Requests;
            if (limits is { Count: > 0 } || requests is { Count: > 0 })
            {
                any = true;
            }

            foreach (var resource in (string[])["cpu", "memory"])
            {
                if (limits is null || !limits.TryGetValue(resource, out var limit))
                {
                    guaranteed = false;
                    continue;
                }

                if (requests is not null && requests.TryGetValue(resource, out var request) && request.Value != limit.Value)
                {
                    guaranteed = false;
                }
            }
        }

        if (!any)
        {
            return "BestEffort";
        }

        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
