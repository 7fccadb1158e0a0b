using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podvisor.Model.Meta;

/// <summary>meta/v1 ObjectMeta. Serialised exactly as Kubernetes does: camelCase, nulls omitted.</summary>
public sealed record ObjectMeta
{
    public string? Name { get; init; }

    public string? GenerateName { get; init; }

    public string? Namespace { get; init; }

    /// <summary>Deprecated and never set by Podvisor; accepted so objects exported from a cluster decode.</summary>
    public string? SelfLink { get; init; }

    public string? Uid { get; init; }

    /// <summary>Opaque to clients; the store's revision of the object's last write.</summary>
    public string? ResourceVersion { get; init; }

    public long? Generation { get; init; }

    /// <summary>
    /// Written as null when unset, as Go writes a zero metav1.Time (a pod template's "creationTimestamp": null);
    /// the other non-pointer times of conditions, container states and events follow the same rule.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? CreationTimestamp { get; init; }

    public DateTimeOffset? DeletionTimestamp { get; init; }

    public long? DeletionGracePeriodSeconds { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public IReadOnlyList<OwnerReference>? OwnerReferences { get; init; }

    public IReadOnlyList<string>? Finalizers { get; init; }

    /// <summary>Tolerated and kept verbatim; Podvisor does not compute field ownership.</summary>
    public IReadOnlyList<JsonElement>? ManagedFields { get; init; }
}

public sealed record OwnerReference
{
    public required string ApiVersion { get; init; }

    public required string Kind { get; init; }

    public required string Name { get; init; }

    public required string Uid { get; init; }

    public bool? Controller { get; init; }

    public bool? BlockOwnerDeletion { get; init; }
}

/// <summary>meta/v1 ListMeta.</summary>
public sealed record ListMeta
{
    public string? ResourceVersion { get; init; }

    [JsonPropertyName("continue")]
    public string? Continue { get; init; }

    public long? RemainingItemCount { get; init; }
}
