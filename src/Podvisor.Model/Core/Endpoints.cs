using Podvisor.Model.Meta;

namespace Podvisor.Model.Core;

/// <summary>core/v1 Endpoints (the legacy API; EndpointSlice is the primary one).</summary>
public sealed record Endpoints : IKubernetesObject
{
    public const string KindName = "Endpoints";

    public string? Kind { get; init; } = KindName;

    public string? ApiVersion { get; init; } = "v1";

    public ObjectMeta Metadata { get; init; } = new();

    public IReadOnlyList<EndpointSubset>? Subsets { get; init; }
}

public sealed record EndpointSubset
{
    public IReadOnlyList<EndpointAddress>? Addresses { get; init; }

    public IReadOnlyList<EndpointAddress>? NotReadyAddresses { get; init; }

    public IReadOnlyList<EndpointPort>? Ports { get; init; }
}

public sealed record EndpointAddress
{
    [System.Text.Json.Serialization.JsonPropertyName("ip")]
    public string Ip { get; init; } = "";

    public string? Hostname { get; init; }

    public string? NodeName { get; init; }

    public ObjectReference? TargetRef { get; init; }
}

public sealed record EndpointPort
{
    public string? Name { get; init; }

    public int Port { get; init; }

    public string? Protocol { get; init; }

    public string? AppProtocol { get; init; }
}

/// <summary>core/v1 ObjectReference.</summary>
public sealed record ObjectReference
{
    public string? Kind { get; init; }

    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public string? Uid { get; init; }

    public string? ApiVersion { get; init; }

    public string? ResourceVersion { get; init; }

    public string? FieldPath { get; init; }
}
