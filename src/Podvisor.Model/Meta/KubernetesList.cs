namespace Podvisor.Model.Meta;

/// <summary>A typed list (PodList, DeploymentList, ...): kind is the item kind + "List".</summary>
public sealed record KubernetesList<T>
    where T : IKubernetesObject
{
    public string? Kind { get; init; }

    public string? ApiVersion { get; init; }

    public ListMeta Metadata { get; init; } = new();

    public IReadOnlyList<T> Items { get; init; } = [];
}
