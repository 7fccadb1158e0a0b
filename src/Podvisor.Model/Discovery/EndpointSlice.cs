using Podvisor.Model.Core;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Discovery;

/// <summary>discovery.k8s.io/v1 EndpointSlice.</summary>
public sealed record EndpointSlice : IKubernetesObject
{
    public const string KindName = "EndpointSlice";

    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";

    public string? Kind { get; init; } = KindName;

    public string? ApiVersion { get; init; } = "discovery.k8s.io/v1";

    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>IPv4, IPv6 or FQDN.</summary>
    public string AddressType { get; init; } = "IPv4";

    public IReadOnlyList<Endpoint> Endpoints { get; init; } = [];

    public IReadOnlyList<EndpointSlicePort>? Ports { get; init; }
}

public sealed record Endpoint
{
    public IReadOnlyList<string> Addresses { get; init; } = [];

    public EndpointConditions? Conditions { get; init; }

    public string? Hostname { get; init; }

    public ObjectReference? TargetRef { get; init; }

    public string? NodeName { get; init; }

    public string? Zone { get; init; }
}

/// <summary>ready = serving and not terminating (SPEC.md §4.2).</summary>
public sealed record EndpointConditions
{
    public bool? Ready { get; init; }

    public bool? Serving { get; init; }

    public bool? Terminating { get; init; }
}

public sealed record EndpointSlicePort
{
    public string? Name { get; init; }

    public string? Protocol { get; init; }

    public int? Port { get; init; }

    public string? AppProtocol { get; init; }
}
