namespace Podvisor.Model.Serialization;

/// <summary>
/// Bounds that keep a hostile manifest from exhausting the stack or memory of the API server.
/// The defaults accept every realistic Kubernetes object with a wide margin.
/// </summary>
public sealed record ManifestLimits
{
    /// <summary>The defaults: 32 MiB of input, nesting depth 200, 2,000,000 JSON nodes.</summary>
    public static ManifestLimits Default { get; } = new();

    /// <summary>
    /// Largest accepted input in bytes (UTF-8; for a string, its UTF-16 length). The API server's own 3 MiB body
    /// limit applies before this one; this bound protects callers that read files.
    /// </summary>
    public int MaxInputBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>
    /// Deepest nesting of maps and lists. Kubernetes objects nest about 15 levels; Kubernetes' own JSON limit is
    /// 10,000, but every level costs stack in each later JSON pass, so Podvisor stops at 200.
    /// <see cref="ModelJsonContext"/> allows a little more, so anything read here can also be decoded.
    /// </summary>
    public int MaxDepth { get; init; } = 200;

    /// <summary>
    /// Most JSON nodes (maps, lists and scalars) in one stream, counting every copy an alias expands to.
    /// Bounds YAML alias bombs ("billion laughs"); a 3 MiB body holds at most about 1.5 million nodes.
    /// </summary>
    public int MaxNodes { get; init; } = 2_000_000;
}
