using System.Text.Json.Nodes;
using Podvisor.Api.Tables;
using Podvisor.Store;

namespace Podvisor.Api.Resources;

/// <summary>A subresource as discovery lists it, e.g. pods/status or deployments/scale.</summary>
public sealed record SubresourceInfo(string Name, string Group, string Version, string Kind, IReadOnlyList<string> Verbs);

/// <summary>
/// How the API server treats one kind: its store type, discovery facts, admission and Table columns.
/// Everything kind-specific the generic endpoints need lives here.
/// </summary>
public sealed record ResourceStrategy
{
    public static readonly IReadOnlyList<string> AllVerbs =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public required ResourceType Type { get; init; }

    public required string Singular { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    public IReadOnlyList<string> Verbs { get; init; } = AllVerbs;

    public IReadOnlyList<SubresourceInfo> Subresources { get; init; } = [];

    public IAdmission Admission { get; init; } = NoAdmission.Instance;

    public ITableConverter Table { get; init; } = GenericTable.Instance;

    /// <summary>Resets server-owned state of a new object (e.g. a pod's status becomes phase Pending).</summary>
    public Func<JsonObject, JsonObject>? PrepareForCreate { get; init; }

    /// <summary>
    /// The grace period a delete gets, from the stored object and the requested period (null = none requested).
    /// Pods: the request, else spec.terminationGracePeriodSeconds, else 30; 0 when unscheduled or terminal.
    /// </summary>
    public Func<JsonObject, long?, long?>? ResolveGracePeriod { get; init; }

    /// <summary>Top-level fields the kind has besides apiVersion/kind/metadata; null = unknown (no check).</summary>
    public IReadOnlySet<string>? TopLevelFields { get; init; }

    /// <summary>"pods", or "deployments.apps" for non-core groups, as Kubernetes names a resource in messages.</summary>
    public string QualifiedResource => Type.Group.Length == 0 ? Type.Resource : $"{Type.Resource}.{Type.Group}";

    public bool HasSubresource(string name) => Subresources.Any(s => s.Name == name);
}
