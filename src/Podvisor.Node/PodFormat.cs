using Podvisor.Model.Core;

namespace Podvisor.Node;

/// <summary>Kubernetes' renderings of pods and containers inside messages (SPEC §0.2).</summary>
internal static class PodFormat
{
    /// <summary><c>&lt;name&gt;_&lt;namespace&gt;(&lt;uid&gt;)</c>, as <c>format.Pod</c> does.</summary>
    public static string Pod(Pod pod) => $"{pod.Metadata.Name}_{pod.Metadata.Namespace}({pod.Metadata.Uid})";

    public static string Uid(Pod pod) => pod.Metadata.Uid ?? "";

    public static string Key(Pod pod) => $"{pod.Metadata.Namespace}/{pod.Metadata.Name}";

    /// <summary>A Go-style duration as kubelet messages print it: 10s, 1m20s, 5m0s.</summary>
    public static string GoDuration(TimeSpan d)
    {
        var totalSeconds = (long)Math.Round(d.TotalSeconds);
        if (totalSeconds < 60)
        {
            return $"{totalSeconds}s";
        }

        var minutes = totalSeconds / 60;
        var seconds = totalSeconds % 60;
        if (minutes < 60)
        {
            return $"{minutes}m{seconds}s";
        }

        return $"{minutes / 60}h{minutes % 60}m{seconds}s";
    }

    /// <summary>Init containers with <c>restartPolicy: Always</c> are sidecars (KEP-753).</summary>
    public static bool IsSidecar(Container c) => c.RestartPolicy == "Always";

    public static string RestartPolicy(Pod pod) => pod.Spec?.RestartPolicy ?? "Always";
}
