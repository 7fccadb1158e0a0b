using Podvisor.Model.Meta;

namespace Podvisor.Model.Core;

public sealed record Volume
{
    public string Name { get; init; } = "";

    public HostPathVolumeSource? HostPath { get; init; }

    public EmptyDirVolumeSource? EmptyDir { get; init; }

    public SecretVolumeSource? Secret { get; init; }

    public ConfigMapVolumeSource? ConfigMap { get; init; }
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
