namespace Podvisor.Api.Resources;

/// <summary>
/// The kinds the API server serves, in discovery order. Immutable; <see cref="WithAdmission"/> returns a copy, so the
/// typed model can plug its defaulting and validation in at composition time.
/// </summary>
public sealed class ResourceRegistry
{
    private readonly Dictionary<(string Group, string Version, string Resource), ResourceStrategy> _byResource;

    public ResourceRegistry(IEnumerable<ResourceStrategy> strategies)
    {
        All = strategies.ToList();
        _byResource = All.ToDictionary(s => (s.Type.Group, s.Type.Version, s.Type.Resource));
    }

    public IReadOnlyList<ResourceStrategy> All { get; }

    /// <summary>Group versions in discovery order; the core group is "".</summary>
    public IEnumerable<(string Group, string Version)> GroupVersions =>
        All.Select(s => (s.Type.Group, s.Type.Version)).Distinct();

    public ResourceStrategy? Find(string group, string version, string resource) =>
        _byResource.GetValueOrDefault((group, version, resource));

    public ResourceStrategy? FindKind(string apiVersion, string kind) =>
        All.FirstOrDefault(s => s.Type.ApiVersion == apiVersion && s.Type.Kind == kind);

    public bool ServesGroupVersion(string group, string version) =>
        All.Any(s => s.Type.Group == group && s.Type.Version == version);

    /// <summary>A copy in which the kind <paramref name="kind"/> of <paramref name="group"/> uses <paramref name="admission"/>.</summary>
    public ResourceRegistry WithAdmission(string group, string kind, IAdmission admission) =>
        new(All.Select(s => s.Type.Group == group && s.Type.Kind == kind ? s with { Admission = admission } : s));
}
