using System.Threading.Channels;
using Podvisor.Model.Core;
using Podvisor.Node.Prober;
using Podvisor.Node.Status;

namespace Podvisor.Node.PodWorkers;

/// <summary>
/// What the pod workers need from the prober: one seam, so the agent runs with the real ProbeManager, with no probes
/// at all, or with a scripted fake in unit tests. Container IDs are as in the status (<c>process://…</c>).
/// </summary>
public interface IPodProbes : IProbeResults
{
    void AddPod(Pod pod);

    void RemovePod(string podUid);

    /// <summary>Runs the container's readiness probe now (after startup succeeded, as the kubelet does).</summary>
    void TriggerReadiness(string podUid, string containerName);

    /// <summary>Published result changes of every pod on the node.</summary>
    ChannelReader<ProbeResultUpdate> Updates { get; }
}

/// <summary>No prober: startup and readiness never report, so only probe-less containers become started/ready.</summary>
public sealed class NoPodProbes : IPodProbes
{
    private readonly Channel<ProbeResultUpdate> _updates = Channel.CreateBounded<ProbeResultUpdate>(1);

    public ChannelReader<ProbeResultUpdate> Updates => _updates.Reader;

    public void AddPod(Pod pod)
    {
    }

    public void RemovePod(string podUid)
    {
    }

    public void TriggerReadiness(string podUid, string containerName)
    {
    }

    public bool? Readiness(string containerId) => null;

    public bool? Startup(string containerId) => null;
}
