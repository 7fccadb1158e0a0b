using Podvisor.Model.Meta;

namespace Podvisor.Model.Core;

/// <summary>core/v1 Namespace (cluster-scoped).</summary>
public sealed record Namespace : IKubernetesObject<NamespaceSpec, NamespaceStatus>
{
    public const string KindName = "Namespace";

    public string? Kind { get; init; } = KindName;

    public string? ApiVersion { get; init; } = "v1";

    public ObjectMeta Metadata { get; init; } = new();

    public NamespaceSpec? Spec { get; init; }

    public NamespaceStatus? Status { get; init; }
}

public sealed record NamespaceSpec
{
    public IReadOnlyList<string>? Finalizers { get; init; }
}

public sealed record NamespaceStatus
{
    /// <summary>Active or Terminating.</summary>
    public string? Phase { get; init; }
}

/// <summary>core/v1 ConfigMap.</summary>
public sealed record ConfigMap : IKubernetesObject
{
    public const string KindName = "ConfigMap";

    public string? Kind { get; init; } = KindName;

    public string? ApiVersion { get; init; } = "v1";

    public ObjectMeta Metadata { get; init; } = new();

    public bool? Immutable { get; init; }

    public IReadOnlyDictionary<string, string>? Data { get; init; }

    /// <summary>Base64 in JSON.</summary>
    public IReadOnlyDictionary<string, byte[]>? BinaryData { get; init; }
}

/// <summary>core/v1 Secret. data values are base64 in JSON; stringData is write-only and merged into data.</summary>
public sealed record Secret : IKubernetesObject
{
    public const string KindName = "Secret";

    public string? Kind { get; init; } = KindName;

    public string? ApiVersion { get; init; } = "v1";

    public ObjectMeta Metadata { get; init; } = new();

    public bool? Immutable { get; init; }

    public IReadOnlyDictionary<string, byte[]>? Data { get; init; }

    public IReadOnlyDictionary<string, string>? StringData { get; init; }

    public string? Type { get; init; }
}
