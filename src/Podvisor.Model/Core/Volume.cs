using Podvisor.Model.Meta;

namespace Podvisor.Model.Core;

public sealed record Volume
{
    public string Name { get; init; } = "";

    public HostPathVolumeSource? HostPath { get; init; }

    public EmptyDirVolumeSource? EmptyDir { get; init; }

    public SecretVolumeSource? Secret { get; init; }

    public PersistentVolumeClaimVolumeSource? PersistentVolumeClaim { get; init; }

    public DownwardAPIVolumeSource? DownwardAPI { get; init; }

    public ConfigMapVolumeSource? ConfigMap { get; init; }

    /// <summary>What every pod on a real cluster carries (kube-api-access-*): a service account token, ca.crt, namespace.</summary>
    public ProjectedVolumeSource? Projected { get; init; }

    /// <summary>The volume type the source names (hostPath, emptyDir, ...), or null when none is set.</summary>
    public string? SourceKind() =>
        HostPath is not null ? "hostPath"
        : EmptyDir is not null ? "emptyDir"
        : Secret is not null ? "secret"
        : PersistentVolumeClaim is not null ? "persistentVolumeClaim"
        : DownwardAPI is not null ? "downwardAPI"
        : ConfigMap is not null ? "configMap"
        : Projected is not null ? "projected"
        : null;
}

public sealed record PersistentVolumeClaimVolumeSource
{
    public string ClaimName { get; init; } = "";

    public bool? ReadOnly { get; init; }
}

public sealed record DownwardAPIVolumeSource
{
    public IReadOnlyList<DownwardAPIVolumeFile>? Items { get; init; }

    public int? DefaultMode { get; init; }
}

public sealed record DownwardAPIVolumeFile
{
    public string Path { get; init; } = "";

    public ObjectFieldSelector? FieldRef { get; init; }

    public ResourceFieldSelector? ResourceFieldRef { get; init; }

    public int? Mode { get; init; }
}

public sealed record ProjectedVolumeSource
{
    public IReadOnlyList<VolumeProjection>? Sources { get; init; }

    public int? DefaultMode { get; init; }
}

public sealed record VolumeProjection
{
    public SecretProjection? Secret { get; init; }

    public DownwardAPIProjection? DownwardAPI { get; init; }

    public ConfigMapProjection? ConfigMap { get; init; }

    public ServiceAccountTokenProjection? ServiceAccountToken { get; init; }
}

public sealed record SecretProjection
{
    public string? Name { get; init; }

    public IReadOnlyList<KeyToPath>? Items { get; init; }

    public bool? Optional { get; init; }
}

public sealed record ConfigMapProjection
{
    public string? Name { get; init; }

    public IReadOnlyList<KeyToPath>? Items { get; init; }

    public bool? Optional { get; init; }
}

public sealed record DownwardAPIProjection
{
    public IReadOnlyList<DownwardAPIVolumeFile>? Items { get; init; }
}

public sealed record ServiceAccountTokenProjection
{
    public string? Audience { get; init; }

    public long? ExpirationSeconds { get; init; }

    public string Path { get; init; } = "";
}

public sealed record EmptyDirVolumeSource
{
    /// <summary>"" (node disk) or "Memory".</summary>
    public string? Medium { get; init; }

    public Quantity? SizeLimit { get; init; }
}

public sealed record HostPathVolumeSource
{
    public string Path { get; init; } = "";

    public string? Type { get; init; }
}

public sealed record ConfigMapVolumeSource
{
    public string? Name { get; init; }

    public IReadOnlyList<KeyToPath>? Items { get; init; }

    public int? DefaultMode { get; init; }

    public bool? Optional { get; init; }
}

public sealed record SecretVolumeSource
{
    public string? SecretName { get; init; }

    public IReadOnlyList<KeyToPath>? Items { get; init; }

    public int? DefaultMode { get; init; }

    public bool? Optional { get; init; }
}

public sealed record KeyToPath
{
    public string Key { get; init; } = "";

    public string Path { get; init; } = "";

    public int? Mode { get; init; }
}
