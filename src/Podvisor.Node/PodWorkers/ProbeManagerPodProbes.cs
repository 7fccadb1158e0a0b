using System.Threading.Channels;
using Podvisor.Model.Core;
using Podvisor.Node.Prober;

namespace Podvisor.Node.PodWorkers;

/// <summary>The real prober behind the pod workers' seam.</summary>
public sealed class ProbeManagerPodProbes(ProbeManager manager) : IPodProbes, IAsyncDisposable
{
    public ProbeManager Manager { get; } = manager;

    public ChannelReader<ProbeResultUpdate> Updates => Manager.Updates;

    public void AddPod(Pod pod) => Manager.AddPod(pod);

    public void RemovePod(string podUid) => Manager.RemovePod(podUid);

    public void TriggerReadiness(string podUid, string containerName) => Manager.TriggerReadiness(podUid, containerName);

    public bool? Readiness(string containerId) => Map(Manager.GetResult(containerId, ProbeType.Readiness));

    public bool? Startup(string containerId) => Map(Manager.GetResult(containerId, ProbeType.Startup));

    public ValueTask DisposeAsync() => Manager.DisposeAsync();

    private static bool? Map(ProbeResult result) => result switch
    {
        ProbeResult.Success => true,
        ProbeResult.Failure => false,
        _ => null,
    };
}
