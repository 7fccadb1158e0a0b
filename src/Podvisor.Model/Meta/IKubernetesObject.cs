namespace Podvisor.Model.Meta;

/// <summary>Every top-level API object: apiVersion, kind and metadata.</summary>
public interface IKubernetesObject
{
    string? ApiVersion { get; }

    string? Kind { get; }

    ObjectMeta Metadata { get; }
}

/// <summary>An API object with a spec and a status, whose status is written through the status subresource.</summary>
public interface IKubernetesObject<TSpec, TStatus> : IKubernetesObject
{
    TSpec? Spec { get; }

    TStatus? Status { get; }
}
