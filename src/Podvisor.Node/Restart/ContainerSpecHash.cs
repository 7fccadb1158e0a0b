using System.Globalization;
using Podvisor.Model.Core;
using Podvisor.Model.Serialization;

namespace Podvisor.Node.Restart;

/// <summary>
/// A stable hash of a container's spec (FNV-1a 32-bit over its Kubernetes JSON, hex), like the kubelet's
/// HashContainer: any change to the spec (e.g. the image) changes it, which resets the restart back-off and tells
/// the pod worker the container's definition changed.
/// </summary>
public static class ContainerSpecHash
{
    public static string Compute(Container container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var json = KubeJson.SerializeToUtf8Bytes(container);
        var hash = 2166136261u;
        foreach (var b in json)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash.ToString("x", CultureInfo.InvariantCulture);
    }
}
