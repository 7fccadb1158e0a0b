using Podvisor.Api.Resources;

namespace Podvisor.Api.Endpoints;

/// <summary>
/// A parsed resource URL: <c>/api/v1[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]</c>, or the same under
/// <c>/apis/{group}/{version}</c>.
/// </summary>
internal sealed record ResourcePath(ResourceStrategy Strategy, string? Namespace, string? Name, string? Subresource, bool WatchPath)
{
    /// <summary>Null when the URL names no served resource (the caller answers 404).</summary>
    public static ResourcePath? Parse(ResourceRegistry registry, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        string group, version;
        int rest;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], 2);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], 3);
        }
        else
        {
            return null;
        }

        var tail = segments[rest..];
        var watch = false;
        if (tail.Length > 0 && tail[0] == "watch")
        {
            watch = true;
            tail = tail[1..];
        }

        string? ns = null;
        if (tail.Length >= 3 && tail[0] == "namespaces" && registry.Find(group, version, tail[2]) is { Type.Namespaced: true })
        {
            ns = tail[1];
            tail = tail[2..];
        }

        if (tail.Length is 0 or > 3 || registry.Find(group, version, tail[0]) is not { } strategy)
        {
            return null;
        }

        var name = tail.Length > 1 ? tail[1] : null;
        var sub = tail.Length > 2 ? tail[2] : null;
        if (strategy.Type.Namespaced && name is not null && ns is null)
        {
            return null;
        }

        if (!strategy.Type.Namespaced && ns is not null)
        {
            return null;
        }

        return new ResourcePath(strategy, ns, name, sub, watch);
    }
}
