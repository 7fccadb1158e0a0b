using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Podvisor.Runtime.Process;

/// <summary>What an image means on this host: the parts of an OCI image config the process runtime uses.</summary>
internal sealed record ImageEntry
{
    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyList<string>? Cmd { get; init; }

    public string? WorkingDir { get; init; }

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Maps image names to <see cref="ImageEntry"/>: the shipped defaults (embedded images.yaml), overridden per image
/// by an optional file. The file is read at construction, the built-in part on first use; immutable afterwards.
/// </summary>
internal sealed class ImageCatalog
{
    private const string ResourceName = "Podvisor.Runtime.Process.images.yaml";

    private readonly Lazy<Dictionary<string, ImageEntry>> _images;

    private ImageCatalog(Lazy<Dictionary<string, ImageEntry>> images, string? overridePath)
    {
        _images = images;
        OverridePath = overridePath;
    }

    /// <summary>The override file named in error messages (it need not exist).</summary>
    public string? OverridePath { get; }

    /// <summary>Whether the built-in catalog has been parsed yet (it is, on the first <see cref="Find"/>).</summary>
    internal bool DefaultsParsed => _images.IsValueCreated;

    /// <summary>
    /// Reads the override file now, so that a broken one fails the start with its error; the built-in catalog is
    /// parsed on first use (parsing YAML costs start-up CPU, 30-90 ms measured with YamlDotNet's deserializer, which an idle serve
    /// need not pay).
    /// </summary>
    public static ImageCatalog Load(string? overridePath)
    {
        var overrides = overridePath is not null && File.Exists(overridePath)
            ? Parse(File.ReadAllText(overridePath), overridePath)
            : null;
        return new ImageCatalog(
            new Lazy<Dictionary<string, ImageEntry>>(() =>
            {
                using var stream = typeof(ImageCatalog).Assembly.GetManifestResourceStream(ResourceName)
                    ?? throw new InvalidOperationException($"missing embedded resource {ResourceName}");
                using var reader = new StreamReader(stream);
                var images = Parse(reader.ReadToEnd(), ResourceName);
                foreach (var (name, entry) in overrides ?? [])
                {
                    images[name] = entry;
                }

                return images;
            }),
            overridePath);
    }

    internal static Dictionary<string, ImageEntry> Parse(string yaml, string source)
    {
        // YamlDotNet's representation model, not its reflection-based deserializer: the trimmed publish keeps no
        // reflection metadata for the collections it would create.
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new InvalidOperationException($"image catalog {source}: {ex.Message}", ex);
        }

        var result = new Dictionary<string, ImageEntry>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return result;
        }

        var images = Mapping(stream.Documents[0].RootNode, "", source) is { } root
            && root.Children.TryGetValue(new YamlScalarNode("images"), out var node) ? Mapping(node, "images", source) : null;
        foreach (var (key, value) in images?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var name = Scalar(key, "images", source) ?? "";
            var path = $"images.{name}";
            var image = Mapping(value, path, source);
            result[Normalize(name)] = new ImageEntry
            {
                Entrypoint = Strings(image, "entrypoint", path, source),
                Cmd = Strings(image, "cmd", path, source),
                WorkingDir = image is not null && image.Children.TryGetValue(new YamlScalarNode("workingDir"), out var dir) ? Scalar(dir, $"{path}.workingDir", source) : null,
                Env = StringMap(image, "env", path, source),
            };
        }

        return result;
    }

    /// <summary>A mapping, null for an empty value; anything else is an error naming the field.</summary>
    private static YamlMappingNode? Mapping(YamlNode node, string path, string source) => node switch
    {
        YamlMappingNode m => m,
        YamlScalarNode { Value: null or "" or "~" or "null" } => null,
        _ => throw Invalid(node, path, "a mapping", source),
    };

    private static string? Scalar(YamlNode node, string path, string source) => node is YamlScalarNode s
        ? s.Value is "~" or "null" && s.Style == YamlDotNet.Core.ScalarStyle.Plain ? null : s.Value
        : throw Invalid(node, path, "a string", source);

    private static List<string>? Strings(YamlMappingNode? parent, string field, string path, string source)
    {
        if (parent is null || !parent.Children.TryGetValue(new YamlScalarNode(field), out var node))
        {
            return null;
        }

        return node switch
        {
            YamlSequenceNode seq => [.. seq.Children.Select((item, i) => Scalar(item, $"{path}.{field}[{i}]", source) ?? "")],
            YamlScalarNode { Value: null or "" or "~" or "null" } => null,
            _ => throw Invalid(node, $"{path}.{field}", "a list of strings", source),
        };
    }

    private static Dictionary<string, string> StringMap(YamlMappingNode? parent, string field, string path, string source)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (parent is not null && parent.Children.TryGetValue(new YamlScalarNode(field), out var node) && Mapping(node, $"{path}.{field}", source) is { } m)
        {
            foreach (var (k, v) in m.Children)
            {
                var key = Scalar(k, $"{path}.{field}", source) ?? "";
                map[key] = Scalar(v, $"{path}.{field}.{key}", source) ?? "";
            }
        }

        return map;
    }

    private static InvalidOperationException Invalid(YamlNode node, string path, string expected, string source) =>
        new($"image catalog {source}: (Line: {node.Start.Line}, Col: {node.Start.Column}): {(path.Length == 0 ? "the document" : path)} must be {expected}");

    public ImageEntry? Find(string image) => _images.Value.GetValueOrDefault(Normalize(image));

    /// <summary>
    /// Strips digest, tag, a registry host (a first component with '.' or ':' or "localhost") and "library/":
    /// <c>docker.io/library/nginx:1.27</c> → <c>nginx</c>, <c>ghcr.io/org/app@sha256:…</c> → <c>org/app</c>.
    /// </summary>
    public static string Normalize(string image)
    {
        var name = image.Trim();
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            name = name[..at];
        }

        var colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/'))
        {
            name = name[..colon];
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var first = name[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            {
                name = name[(slash + 1)..];
            }
        }

        if (name.StartsWith("library/", StringComparison.Ordinal))
        {
            name = name["library/".Length..];
        }

        return name.ToLowerInvariant();
    }

    /// <summary>
    /// Kubernetes' rules: command replaces the entrypoint and drops the image cmd; args replace the cmd.
    /// Throws CreateContainerConfigError when nothing can be run.
    /// </summary>
    public ResolvedCommand Resolve(string image, IReadOnlyList<string>? command, IReadOnlyList<string>? args)
    {
        var entry = Find(image);
        if (entry is null && (command is null || command.Count == 0))
        {
            var where = OverridePath ?? "the image catalog";
            throw new RuntimeException(
                RuntimeErrorReason.CreateContainerConfigError,
                $"image \"{image}\" is not in the image catalog ({where}) and the container sets no command; add the image to the catalog or set command");
        }

        List<string> argv;
        if (command is { Count: > 0 })
        {
            argv = [.. command, .. args ?? []];
        }
        else
        {
            argv = [.. entry!.Entrypoint ?? [], .. args is { Count: > 0 } ? args : entry.Cmd ?? []];
        }

        if (argv.Count == 0)
        {
            throw new RuntimeException(
                RuntimeErrorReason.CreateContainerConfigError,
                $"image \"{image}\" has neither entrypoint nor cmd in the image catalog ({OverridePath ?? "defaults"}) and the container sets no command; set command");
        }

        return new ResolvedCommand(argv, entry?.WorkingDir, entry?.Env ?? new Dictionary<string, string>());
    }
}

internal sealed record ResolvedCommand(IReadOnlyList<string> Argv, string? WorkingDir, IReadOnlyDictionary<string, string> Env);
