using Podvisor.Model.Core;

namespace Podvisor.Node.Prober;

/// <summary>Event reasons and messages exactly as the kubelet's prober writes them (SPEC §1.8).</summary>
internal static class ProbeEvents
{
    public const string Warning = "Warning";
    public const string Unhealthy = "Unhealthy";
    public const string ProbeWarning = "ProbeWarning";

    public static string Name(ProbeType type) => type switch
    {
        ProbeType.Startup => "Startup",
        ProbeType.Liveness => "Liveness",
        ProbeType.Readiness => "Readiness",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string Failed(ProbeType type, string output) => $"{Name(type)} probe failed: {output}";

    public static string Errored(ProbeType type, string error) => $"{Name(type)} probe errored and resulted in unknown state: {error}";

    public static string Warned(ProbeType type, string output) => $"{Name(type)} probe warning: {output}";

    /// <summary>The pod, with fieldPath <c>spec.containers{name}</c> or <c>spec.initContainers{name}</c>.</summary>
    public static ObjectReference ContainerReference(Pod pod, string containerName, bool isInitContainer) => new()
    {
        Kind = Pod.KindName,
        ApiVersion = "v1",
        Namespace = pod.Metadata.Namespace,
        Name = pod.Metadata.Name,
        Uid = pod.Metadata.Uid,
        ResourceVersion = pod.Metadata.ResourceVersion,
        FieldPath = isInitContainer ? $"spec.initContainers{{{containerName}}}" : $"spec.containers{{{containerName}}}",
    };
}
