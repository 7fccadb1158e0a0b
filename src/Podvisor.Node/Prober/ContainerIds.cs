namespace Podvisor.Node.Prober;

/// <summary>Container IDs in status have the form <c>&lt;runtime&gt;://&lt;id&gt;</c>; runtimes take the bare id.</summary>
internal static class ContainerIds
{
    public static string ToRuntimeId(string containerId)
    {
        var i = containerId.IndexOf("://", StringComparison.Ordinal);
        return i < 0 ? containerId : containerId[(i + 3)..];
    }

    public static ReadOnlySpan<char> RuntimeIdSpan(string containerId)
    {
        var i = containerId.IndexOf("://", StringComparison.Ordinal);
        return i < 0 ? containerId : containerId.AsSpan(i + 3);
    }
}
