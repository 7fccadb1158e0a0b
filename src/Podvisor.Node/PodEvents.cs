using Podvisor.Model.Core;

namespace Podvisor.Node;

/// <summary>The kubelet's event reasons and the object references they are recorded against (SPEC §3.5).</summary>
public static class PodEvents
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    public const string Pulled = "Pulled";
    public const string Created = "Created";
    public const string Started = "Started";
    public const string Killing = "Killing";
    public const string Failed = "Failed";
    public const string BackOff = "BackOff";
    public const string FailedPostStartHook = "FailedPostStartHook";
    public const string FailedPreStopHook = "FailedPreStopHook";
    public const string FailedCreatePodSandBox = "FailedCreatePodSandBox";
    public const string FailedSync = "FailedSync";

    /// <summary>The pod itself.</summary>
    public static ObjectReference Reference(Pod pod) => new()
    {
        Kind = Pod.KindName,
        ApiVersion = "v1",
        Namespace = pod.Metadata.Namespace,
        Name = pod.Metadata.Name,
        Uid = pod.Metadata.Uid,
        ResourceVersion = pod.Metadata.ResourceVersion,
    };

    /// <summary>The pod with fieldPath <c>spec.containers{c}</c> or <c>spec.initContainers{c}</c>.</summary>
    public static ObjectReference Reference(Pod pod, Container container)
    {
        var isInit = pod.Spec?.InitContainers?.Any(c => c.Name == container.Name) == true;
        return Reference(pod) with { FieldPath = isInit ? $"spec.initContainers{{{container.Name}}}" : $"spec.containers{{{container.Name}}}" };
    }
}
