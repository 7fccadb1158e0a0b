using Podvisor.Model.Core;

namespace Podvisor.Node.PodWorkers;

/// <summary>Grace-period accounting (SPEC §1.10), pure so it is unit-tested in milliseconds.</summary>
public static class GracePeriods
{
    public const long DefaultPodGraceSeconds = 30;

    /// <summary>The runtime always gets at least this long between the stop signal and SIGKILL (minimumGracePeriodInSeconds).</summary>
    public static readonly TimeSpan MinimumStopTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The grace of a pod being deleted: deletionGracePeriodSeconds, else the spec's value, else 30; it can only
    /// decrease over repeated deletes (<paramref name="previous"/>); below 1 it is raised to 1. A pod whose object is
    /// already gone (force delete) gets 1.
    /// </summary>
    public static long ForPodDeletion(Pod? pod, long? previous)
    {
        var grace = pod is null
            ? 1
            : pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec?.TerminationGracePeriodSeconds ?? DefaultPodGraceSeconds;
        if (previous is { } p && p < grace)
        {
            grace = p;
        }

        return Math.Max(1, grace);
    }

    /// <summary>
    /// Grace for killing one container outside pod deletion: a liveness/startup kill uses the probe's own
    /// terminationGracePeriodSeconds when set, else the pod's; else 2.
    /// </summary>
    public static long ForContainerKill(Pod pod, Probe? killingProbe)
    {
        if (pod.Metadata.DeletionGracePeriodSeconds is { } deletion)
        {
            return Math.Max(1, deletion);
        }

        if (killingProbe?.TerminationGracePeriodSeconds is { } probeGrace)
        {
            return probeGrace;
        }

        return pod.Spec?.TerminationGracePeriodSeconds ?? 2;
    }

    /// <summary>
    /// What StopContainer gets after a preStop hook that took <paramref name="hookElapsed"/>: the grace minus the
    /// elapsed WHOLE seconds (truncated), floored at 2 s.
    /// </summary>
    public static TimeSpan StopTimeoutAfterPreStop(long graceSeconds, TimeSpan hookElapsed)
    {
        var remaining = graceSeconds - (long)Math.Floor(hookElapsed.TotalSeconds);
        var timeout = TimeSpan.FromSeconds(Math.Max(0, remaining));
        return timeout < MinimumStopTimeout ? MinimumStopTimeout : timeout;
    }
}
