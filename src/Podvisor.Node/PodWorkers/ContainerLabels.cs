using System.Globalization;
using Podvisor.Model.Core;
using Podvisor.Node.Restart;

namespace Podvisor.Node.PodWorkers;

/// <summary>
/// Labels the agent stores with every runtime container, so a restarted agent can match containers to pods
/// (adoption) without any state of its own — the same keys the kubelet puts on CRI containers.
/// </summary>
public static class ContainerLabels
{
    public const string PodUid = "io.kubernetes.pod.uid";
    public const string PodName = "io.kubernetes.pod.name";
    public const string PodNamespace = "io.kubernetes.pod.namespace";
    public const string ContainerName = "io.kubernetes.container.name";
    public const string RestartCount = "io.kubernetes.container.restartCount";
    public const string Hash = "io.kubernetes.container.hash";
    public const string ContainerType = "io.podvisor.container.type";

    public static Dictionary<string, string> For(Pod pod, Container container, int restartCount, string type) => new(StringComparer.Ordinal)
    {
        [PodUid] = pod.Metadata.Uid ?? "",
        [PodName] = pod.Metadata.Name ?? "",
        [PodNamespace] = pod.Metadata.Namespace ?? "",
        [ContainerName] = container.Name,
        [RestartCount] = restartCount.ToString(CultureInfo.InvariantCulture),
        [Hash] = HashOf(container),
        [ContainerType] = type,
    };

    public static int RestartCountOf(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(RestartCount, out var s) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>A stable hash of the container's definition (changes when e.g. the image changes).</summary>
    public static string HashOf(Container container) => ContainerSpecHash.Compute(container);
}
