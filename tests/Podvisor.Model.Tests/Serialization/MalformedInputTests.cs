using System.Text;
using System.Text.Json.Nodes;
using Podvisor.Model.Serialization;

namespace Podvisor.Model.Tests.Serialization;

/// <summary>
/// Hostile or broken manifests fail with the project's own exceptions and a message naming the problem — never a
/// stack overflow, out-of-memory, or a raw serializer/parser exception. Limits are those of
/// <see cref="ManifestLimits.Default"/>: 32 MiB of input, depth 200, 2,000,000 values.
/// </summary>
public sealed class MalformedInputTests
{
    private const int Deep = 10_000;

    /// <summary>Block-style YAML indents one more space per level, so its size grows with the square of the depth.</summary>
    private const int DeepBlock = 1_000;

    private static readonly Dictionary<string, (Func<string> Input, string Message)> TextCases = new()
    {
        ["yaml-truncated-quote"] = (() => "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"web", "yaml: line"),
        ["yaml-truncated-flow-map"] = (() => "apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {a: b}\n", "yaml: line"),
        ["yaml-bad-indentation"] = (() => "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n labels: {}\n", "yaml: line 5"),
        ["yaml-tab-indentation"] = (() => "metadata:\n\tname: web\n", "found invalid tab as indentation"),
        ["yaml-unknown-alias"] = (() => "apiVersion: v1\nkind: Pod\nmetadata: *meta\n", "unknown anchor 'meta'"),
        ["yaml-list-document"] = (() => "- a\n- b\n", "is a list, not an object"),
        ["yaml-scalar-document"] = (() => "apiVersion: v1\nkind: Pod\n---\njust text\n", "document 2 (line 3) is a scalar, not an object"),
        ["yaml-deep-flow-lists"] = (() => "a: " + new string('[', Deep) + new string(']', Deep) + "\n", "nesting exceeds the maximum depth of 200"),
        ["yaml-deep-flow-maps"] = (() => "a: " + Repeat("{a: ", Deep) + "1" + new string('}', Deep) + "\n", "nesting exceeds the maximum depth of 200"),
        ["yaml-deep-block-maps"] = (() => DeepBlockMaps(DeepBlock), "nesting exceeds the maximum depth of 200"),
        ["yaml-deep-block-lists"] = (() => "a:\n" + Repeat("- ", Deep) + "x\n", "nesting exceeds the maximum depth of 200"),
        ["yaml-billion-laughs"] = (() => BillionLaughs(), "excessive aliasing"),
        ["yaml-alias-depth-bomb"] = (() => AliasDepthBomb(), "nesting exceeds the maximum depth of 200"),
        ["yaml-over-size-limit"] = (() => "a: " + new string('x', (32 * 1024 * 1024) + 1), "more than the limit of 33554432 bytes"),
        ["json-truncated"] = (() => """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"w""", "reached end of data"),
        ["json-truncated-after-value"] = (() => """{"apiVersion":"v1","kind":"Pod","metadata":{}""", "unexpected end of JSON input"),
        ["json-trailing-garbage"] = (() => """{"kind":"Pod"} x""", "error parsing JSON: line 1"),
        ["json-single-quotes"] = (() => "{'kind':'Pod'}", "error parsing JSON: line 1, column 2"),
        ["json-array-document"] = (() => "[{\"kind\":\"Pod\"}]", "is an array (list), not an object"),
        ["json-deep-arrays"] = (() => "{\"a\":" + new string('[', Deep) + new string(']', Deep) + "}", "nesting exceeds the maximum depth of 200"),
        ["json-deep-objects"] = (() => Repeat("{\"a\":", Deep) + "1" + new string('}', Deep), "nesting exceeds the maximum depth of 200"),
        ["json-over-size-limit"] = (() => "{\"a\":\"" + new string('x', 32 * 1024 * 1024) + "\"}", "more than the limit of 33554432 bytes"),
    };

    public static TheoryData<string> TextCaseNames() => [.. TextCases.Keys];

    [Theory]
    [MemberData(nameof(TextCaseNames))]
    public void ManifestReader_MalformedString_ClearError(string name)
    {
        var (input, message) = TextCases[name];

        var e = Assert.Throws<ManifestException>(() => ManifestReader.Read(input()));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TextCaseNames))]
    public void ManifestReader_MalformedBytes_ClearError(string name)
    {
        var (input, message) = TextCases[name];
        var bytes = Encoding.UTF8.GetBytes(input());

        var e = Assert.Throws<ManifestException>(() => ManifestReader.Read(bytes));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yaml-truncated-quote", 4L)]
    [InlineData("yaml-bad-indentation", 5L)]
    [InlineData("json-single-quotes", 1L)]
    public void ManifestReader_SyntaxError_ReportsLine(string name, long line)
    {
        var e = Assert.Throws<ManifestException>(() => ManifestReader.Read(TextCases[name].Input()));

        Assert.Equal(line, e.Line);
    }

    [Theory]
    [InlineData(new byte[] { 0x6b, 0x3a, 0x20, 0xff, 0x0a }, 1L, 4L)]
    [InlineData(new byte[] { 0x61, 0x3a, 0x20, 0x31, 0x0a, 0x62, 0x3a, 0x20, 0xc3, 0x28, 0x0a }, 2L, 4L)]
    [InlineData(new byte[] { 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d }, 1L, 7L)]
    [InlineData(new byte[] { 0x61, 0x3a, 0x20, 0xe2, 0x82 }, 1L, 4L)]
    public void ManifestReader_InvalidUtf8_ClearErrorWithPosition(byte[] input, long line, long column)
    {
        var e = Assert.Throws<ManifestException>(() => ManifestReader.Read(input));

        Assert.Contains("invalid UTF-8", e.Message, StringComparison.Ordinal);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
    }

    /// <summary>
    /// 10 MB is under <see cref="ManifestLimits.MaxInputBytes"/> (32 MiB, for files); the API server's 3 MiB body
    /// limit is applied before the reader. So a 10 MB value decodes intact, and a reader given the API server's limit
    /// refuses it with a clear message.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ManifestReader_TenMegabyteString_DecodesUnderDefaultLimits(bool json)
    {
        var big = new string('x', 10 * 1000 * 1000);
        var text = json
            ? "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"blob\":\"" + big + "\"}}"
            : "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: " + big + "\n";

        foreach (var doc in new[] { ManifestReader.ReadDocuments(text)[0], ManifestReader.ReadDocuments(Encoding.UTF8.GetBytes(text))[0] })
        {
            var map = Assert.IsType<Core.ConfigMap>(KubeDecoder.Decode(doc, FieldValidation.Strict).Object);
            Assert.Equal(big.Length, map.Data!["blob"].Length);
        }
    }

    [Fact]
    public void ManifestReader_TenMegabyteStringWithApiServerLimit_ClearError()
    {
        var limits = new ManifestLimits { MaxInputBytes = 3 * 1024 * 1024 };
        var text = "data:\n  blob: " + new string('x', 10 * 1000 * 1000) + "\n";

        var fromString = Assert.Throws<ManifestException>(() => ManifestReader.Read(text, limits));
        var fromBytes = Assert.Throws<ManifestException>(() => ManifestReader.Read(Encoding.UTF8.GetBytes(text), limits));

        Assert.Equal($"the manifest is {text.Length} bytes, more than the limit of 3145728 bytes", fromString.Message);
        Assert.Equal(fromString.Message, fromBytes.Message);
    }

    [Fact]
    public void ManifestReader_ManyValuesUnderSizeLimit_StopsAtNodeLimit()
    {
        var limits = new ManifestLimits { MaxNodes = 1000 };
        var text = "a: [" + string.Join(",", Enumerable.Repeat("1", 2000)) + "]";

        var e = Assert.Throws<ManifestException>(() => ManifestReader.Read(text, limits));

        Assert.Contains("more than 1000 values", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers: no\n", "spec.containers", "[]Container")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: 7\n", "metadata.name", "string")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: \"80\"\n", "spec.containers[0].ports[0].containerPort", "int32")]
    [InlineData("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 1.5\n", "spec.replicas", "int32")]
    [InlineData("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 99999999999\n", "spec.replicas", "int32")]
    [InlineData("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  strategy:\n    rollingUpdate: {maxSurge: true}\n", "spec.strategy.rollingUpdate.maxSurge", "IntOrString")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  labels: [a, b]\n", "metadata.labels", "map")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  creationTimestamp: yesterday\n", "metadata.creationTimestamp", "")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  k: \"not base64!\"\n", "data.k", "")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  containers:\n  - name: c\n    resources:\n      limits: {cpu: {a: 1}}\n", "spec.containers[0].resources.limits.cpu", "")]
    public void KubeDecoder_WrongTypesFromManifest_ClearErrorNamingField(string yaml, string path, string type)
    {
        var doc = ManifestReader.ReadDocuments(yaml)[0];

        var e = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode(doc, FieldValidation.Strict));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(type, e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be handled as a", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> DeepObjectPlaces() => ["unknown", "managedFields", "noKind", "labels", "containers"];

    /// <summary>
    /// KubeDecoder takes trees built by any caller, not only by the (depth-limited) reader: a tree nested 10,000
    /// levels in a typed, free-form or unknown field must still give a KubeDecodeException.
    /// </summary>
    [Theory]
    [MemberData(nameof(DeepObjectPlaces))]
    public void KubeDecoder_DeeplyNestedTree_ClearError(string place)
    {
        var deep = DeepArrays(Deep);
        var obj = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = new JsonObject { ["name"] = "w" } };
        switch (place)
        {
            case "unknown":
                obj["spec"] = new JsonObject { ["extra"] = deep };
                break;
            case "managedFields":
                obj["metadata"]!["managedFields"] = new JsonArray(new JsonObject { ["fieldsV1"] = deep });
                break;
            case "noKind":
                obj.Remove("kind");
                obj["spec"] = new JsonObject { ["extra"] = deep };
                break;
            case "labels":
                obj["metadata"]!["labels"] = new JsonObject { ["a"] = deep };
                break;
            default:
                obj["spec"] = new JsonObject { ["containers"] = deep };
                break;
        }

        foreach (var mode in new[] { FieldValidation.Strict, FieldValidation.Warn, FieldValidation.Ignore })
        {
            var e = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode(obj, mode));
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }
    }

    private static string Repeat(string s, int count) => new StringBuilder(s.Length * count).Insert(0, s, count).ToString();

    private static string DeepBlockMaps(int depth)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            sb.Append(' ', i).Append("a:\n");
        }

        return sb.Append(' ', depth).Append("b: 1\n").ToString();
    }

    /// <summary>Nine levels of ten aliases each: 10^9 strings once expanded, from under 1 KB of YAML.</summary>
    private static string BillionLaughs()
    {
        var sb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\nl0: &l0 lol\n");
        for (var i = 1; i <= 9; i++)
        {
            sb.Append($"l{i}: &l{i} [").AppendJoin(", ", Enumerable.Repeat($"*l{i - 1}", 10)).Append("]\n");
        }

        return sb.Append("data: *l9\n").ToString();
    }

    /// <summary>Each anchor wraps the previous one a level deeper: few values, but depth beyond the limit.</summary>
    private static string AliasDepthBomb()
    {
        var sb = new StringBuilder("l0: &l0 [x]\n");
        for (var i = 1; i <= 300; i++)
        {
            sb.Append($"l{i}: &l{i} [*l{i - 1}]\n");
        }

        return sb.ToString();
    }

    private static JsonArray DeepArrays(int depth)
    {
        var root = new JsonArray();
        var current = root;
        for (var i = 1; i < depth; i++)
        {
            var next = new JsonArray();
            current.Add(next);
            current = next;
        }

        return root;
    }
}
