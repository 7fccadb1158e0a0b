using Podvisor.Model.Meta;

namespace Podvisor.Model.Core;

/// <summary>core/v1 Pod.</summary>
public sealed record Pod : IKubernetesObject<PodSpec, PodStatus>
{
    public const string KindName = "Pod";

    public string? Kind { get; init; } = KindName;

    public string? ApiVersion { get; init; } = "v1";

    public ObjectMeta Metadata { get; init; } = new();

    public PodSpec? Spec { get; init; }

    public PodStatus? Status { get; init; }
}

public sealed record PodSpec
{
    public IReadOnlyList<Volume>? Volumes { get; init; }

    public IReadOnlyList<Container>? InitContainers { get; init; }

    public IReadOnlyList<Container> Containers { get; init; } = [];

    /// <summary>Always (default), OnFailure, Never.</summary>
    public string? RestartPolicy { get; init; }

    public long? TerminationGracePeriodSeconds { get; init; }

    public long? ActiveDeadlineSeconds { get; init; }

    public string? DnsPolicy { get; init; }

    public IReadOnlyDictionary<string, string>? NodeSelector { get; init; }

    public string? ServiceAccountName { get; init; }

    public string? ServiceAccount { get; init; }

    public bool? AutomountServiceAccountToken { get; init; }

    public string? NodeName { get; init; }

    public bool? HostNetwork { get; init; }

    public bool? HostPID { get; init; }

    public bool? HostIPC { get; init; }

    public bool? ShareProcessNamespace { get; init; }

    public PodSecurityContext? SecurityContext { get; init; }

    public string? Hostname { get; init; }

    public string? Subdomain { get; init; }

    public string? SchedulerName { get; init; }

    public IReadOnlyList<Toleration>? Tolerations { get; init; }

    public string? PriorityClassName { get; init; }

    public int? Priority { get; init; }

    public IReadOnlyList<PodReadinessGate>? ReadinessGates { get; init; }

    public bool? EnableServiceLinks { get; init; }

    public string? PreemptionPolicy { get; init; }
}

public sealed record Container
{
    public string Name { get; init; } = "";

    public string? Image { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyList<string>? Args { get; init; }

    public string? WorkingDir { get; init; }

    public IReadOnlyList<ContainerPort>? Ports { get; init; }

    public IReadOnlyList<EnvFromSource>? EnvFrom { get; init; }

    public IReadOnlyList<EnvVar>? Env { get; init; }

    public ResourceRequirements? Resources { get; init; }

    /// <summary>Only for init containers: "Always" makes it a sidecar.</summary>
    public string? RestartPolicy { get; init; }

    public IReadOnlyList<VolumeMount>? VolumeMounts { get; init; }

    public Probe? LivenessProbe { get; init; }

    public Probe? ReadinessProbe { get; init; }

    public Probe? StartupProbe { get; init; }

    public Lifecycle? Lifecycle { get; init; }

    public string? TerminationMessagePath { get; init; }

    /// <summary>File (default) or FallbackToLogsOnError.</summary>
    public string? TerminationMessagePolicy { get; init; }

    /// <summary>Always, IfNotPresent, Never.</summary>
    public string? ImagePullPolicy { get; init; }

    public SecurityContext? SecurityContext { get; init; }

    public bool? Stdin { get; init; }

    public bool? StdinOnce { get; init; }

    public bool? Tty { get; init; }
}

public sealed record ContainerPort
{
    public string? Name { get; init; }

    public int? HostPort { get; init; }

    [System.Text.Json.Serialization.JsonPropertyName("containerPort")]
    public int ContainerPortNumber { get; init; }

    /// <summary>TCP (default), UDP, SCTP.</summary>
    public string? Protocol { get; init; }

    public string? HostIP { get; init; }
}

public sealed record EnvVar
{
    public string Name { get; init; } = "";

    public string? Value { get; init; }

    public EnvVarSource? ValueFrom { get; init; }
}

public sealed record EnvVarSource
{
    public ObjectFieldSelector? FieldRef { get; init; }

    public ResourceFieldSelector? ResourceFieldRef { get; init; }

    public ConfigMapKeySelector? ConfigMapKeyRef { get; init; }

    public SecretKeySelector? SecretKeyRef { get; init; }
}

public sealed record ObjectFieldSelector
{
    public string? ApiVersion { get; init; }

    public string FieldPath { get; init; } = "";
}

public sealed record ResourceFieldSelector
{
    public string? ContainerName { get; init; }

    public string Resource { get; init; } = "";

    public Quantity? Divisor { get; init; }
}

public sealed record ConfigMapKeySelector
{
    public string? Name { get; init; }

    public string Key { get; init; } = "";

    public bool? Optional { get; init; }
}

public sealed record SecretKeySelector
{
    public string? Name { get; init; }

    public string Key { get; init; } = "";

    public bool? Optional { get; init; }
}

public sealed record EnvFromSource
{
    public string? Prefix { get; init; }

    public ConfigMapEnvSource? ConfigMapRef { get; init; }

    public SecretEnvSource? SecretRef { get; init; }
}

public sealed record ConfigMapEnvSource
{
    public string? Name { get; init; }

    public bool? Optional { get; init; }
}

public sealed record SecretEnvSource
{
    public string? Name { get; init; }

    public bool? Optional { get; init; }
}

public sealed record ResourceRequirements
{
    public IReadOnlyDictionary<string, Quantity>? Limits { get; init; }

    public IReadOnlyDictionary<string, Quantity>? Requests { get; init; }
}

public sealed record VolumeMount
{
    public string Name { get; init; } = "";

    public bool? ReadOnly { get; init; }

    public string MountPath { get; init; } = "";

    public string? SubPath { get; init; }

    public string? MountPropagation { get; init; }
}

public sealed record PodReadinessGate
{
    public string ConditionType { get; init; } = "";
}

public sealed record Toleration
{
    public string? Key { get; init; }

    public string? Operator { get; init; }

    public string? Value { get; init; }

    public string? Effect { get; init; }

    public long? TolerationSeconds { get; init; }
}

public sealed record PodSecurityContext
{
    public long? RunAsUser { get; init; }

    public long? RunAsGroup { get; init; }

    public bool? RunAsNonRoot { get; init; }

    public IReadOnlyList<long>? SupplementalGroups { get; init; }

    public long? FsGroup { get; init; }
}

public sealed record SecurityContext
{
    public Capabilities? Capabilities { get; init; }

    public bool? Privileged { get; init; }

    public long? RunAsUser { get; init; }

    public long? RunAsGroup { get; init; }

    public bool? RunAsNonRoot { get; init; }

    public bool? ReadOnlyRootFilesystem { get; init; }

    public bool? AllowPrivilegeEscalation { get; init; }
}

public sealed record Capabilities
{
    public IReadOnlyList<string>? Add { get; init; }

    public IReadOnlyList<string>? Drop { get; init; }
}
