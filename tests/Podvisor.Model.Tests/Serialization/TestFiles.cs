using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podvisor.Model.Tests.Serialization;

/// <summary>Locates the repository (the folder holding Podvisor.slnx) and files beside it, and compares JSON.</summary>
internal static class TestFiles
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Podvisor.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Podvisor.slnx not found above {AppContext.BaseDirectory}");
    });

    public static string RepoRoot => Root.Value;

    /// <summary>The shared example manifests: ../shared/examples from the repository root.</summary>
    public static string ExamplesDir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "examples"));

    public static string GoldenDir => Path.Combine(RepoRoot, "tests", "Podvisor.Model.Tests", "Serialization", "Golden");

    /// <summary>A copy without null-valued properties, the form Kubernetes writes (nulls mean "unset").</summary>
    public static JsonNode? WithoutNulls(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, WithoutNulls(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(WithoutNulls)]),
        null => null,
        _ => node.DeepClone(),
    };

    /// <summary>Asserts semantic JSON equality: key order and null-valued properties ignored, numbers by value.</summary>
    public static void AssertJsonEqual(JsonNode? expected, JsonNode? actual)
    {
        var e = WithoutNulls(expected);
        var a = WithoutNulls(actual);
        if (!JsonNode.DeepEquals(e, a))
        {
            var options = new JsonSerializerOptions { WriteIndented = true };
            Assert.Fail($"JSON differs.\nexpected:\n{e?.ToJsonString(options)}\nactual:\n{a?.ToJsonString(options)}");
        }
    }
}
