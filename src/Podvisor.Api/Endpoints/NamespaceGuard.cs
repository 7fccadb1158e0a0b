using Podvisor.Api.Resources;

namespace Podvisor.Api.Endpoints;

internal static class NamespaceGuard
{
    /// <summary>Creates need an existing namespace that is not terminating (404 / 403 otherwise).</summary>
    public static async Task EnsureWritableAsync(ApiContext api, ResourceStrategy s, string? ns, string? name, CancellationToken ct)
    {
        if (!s.Type.Namespaced || ns is null)
        {
            return;
        }

        var nsStrategy = api.NamespaceStrategy;
        var namespaceObject = await api.Store.GetAsync(nsStrategy.Type, null, ns, ct) ?? throw ApiError.NotFound(nsStrategy, ns);
        if (Json.Str(namespaceObject, "status", "phase") == "Terminating")
        {
            throw new ApiError(403, "Forbidden",
                $"{s.QualifiedResource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
        }
    }
}
