using System.Threading.Channels;
using Podvisor.Model.Core;
using Podvisor.Node.PodWorkers;
using Podvisor.Node.Prober;

namespace Podvisor.Composition;

/// <summary>Presents the ProbeManager to the pod workers through their IPodProbes seam.</summary>
internal sealed class ProbeManagerProbes(ProbeManager manager) : IPodProbes, IAsyncDisposable
{
    public ChannelReader<ProbeResultUpdate> Updates => manager.Updates;

    public void AddPod(Pod pod) => manager.AddPod(pod);

    public void RemovePod(string podUid) => manager.RemovePod(podUid);

    public void TriggerReadiness(string podUid, string containerName) => manager.TriggerReadiness(podUid, containerName);

    public bool? Readiness(string containerId) => ToBool(manager.GetResult(containerId, ProbeType.Readiness));

    public bool? Startup(string containerId) => ToBool(manager.GetResult(containerId, ProbeType.Startup));

    public ValueTask DisposeAsync() => manager.DisposeAsync();

    private static bool? ToBool(ProbeResult result) => result switch
    {
        ProbeResult.Success => true,
        ProbeResult.Failure => false,
        _ => null,
    };
}

/// <summary>Gives the probe workers the status manager's latest pod and status.</summary>
internal sealed class StatusManagerSource(Podvisor.Node.Status.StatusManager status) : IPodStatusSource
{
    public PodSnapshot? GetSnapshot(string podUid) =>
        status.GetPodAndStatus(podUid) is { } s ? new PodSnapshot(s.Pod, s.Status) : null;
}
