using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podvisor.Model.Serialization;

namespace Podvisor.Model.Tests.Serialization;

public sealed class ManifestReaderTests
{
    [Fact]
    public void Read_MultiDocumentYamlWithComments_ReturnsEachObjectSkippingEmptyOnes()
    {
        const string yaml = """
            # leading comment
            ---
            apiVersion: v1   # trailing comment
            kind: Pod
            metadata:
              name: a
            ---
            ---
            # only a comment
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: b}
            ...
            """;

        var docs = ManifestReader.Read(yaml);

        Assert.Equal(2, docs.Count);
        Assert.Equal("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}""", docs[0].ToJsonString());
        Assert.Equal("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"b"}}""", docs[1].ToJsonString());
    }

    [Fact]
    public void ReadDocuments_Yaml_ReportsStartLineOfEachDocument()
    {
        var docs = ManifestReader.ReadDocuments("a: 1\n---\nb: 2\n");

        Assert.Equal([1L, 2L], docs.Select(d => d.Line));
    }

    [Theory]
    [InlineData("v: 1", "1")]
    [InlineData("v: -42", "-42")]
    [InlineData("v: +7", "7")]
    [InlineData("v: 0", "0")]
    [InlineData("v: 0644", "420")]
    [InlineData("v: 0o17", "15")]
    [InlineData("v: 0x1F", "31")]
    [InlineData("v: 0b101", "5")]
    [InlineData("v: 1_000", "1000")]
    [InlineData("v: 9223372036854775807", "9223372036854775807")]
    [InlineData("v: 123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("v: 1.5", "1.5")]
    [InlineData("v: -0.25", "-0.25")]
    [InlineData("v: 1e3", "1000")]
    [InlineData("v: .5", "0.5")]
    [InlineData("v: 1.0", "1")]
    [InlineData("v: true", "true")]
    [InlineData("v: True", "true")]
    [InlineData("v: TRUE", "true")]
    [InlineData("v: false", "false")]
    [InlineData("v: null", "null")]
    [InlineData("v: Null", "null")]
    [InlineData("v: ~", "null")]
    [InlineData("v:", "null")]
    [InlineData("v: yes", "\"yes\"")]
    [InlineData("v: on", "\"on\"")]
    [InlineData("v: 1.2.3", "\"1.2.3\"")]
    [InlineData("v: 0789", "789")]
    [InlineData("v: 12:30", "\"12:30\"")]
    [InlineData("v: 2026-01-01", "\"2026-01-01\"")]
    [InlineData("v: .inf", "\".inf\"")]
    [InlineData("v: -x", "\"-x\"")]
    [InlineData("v: +", "\"+\"")]
    [InlineData("v: 25%", "\"25%\"")]
    [InlineData("v: nginx:1.25", "\"nginx:1.25\"")]
    [InlineData("v: \"80\"", "\"80\"")]
    [InlineData("v: 'true'", "\"true\"")]
    [InlineData("v: \"\"", "\"\"")]
    [InlineData("v: !!str 80", "\"80\"")]
    [InlineData("v: !!int \"80\"", "80")]
    [InlineData("v: |\n  line\n", "\"line\\n\"")]
    [InlineData("v: >-\n  folded\n  text\n", "\"folded text\"")]
    public void Read_PlainAndQuotedScalars_TypedLikeKubernetes(string yaml, string expectedJson)
    {
        var doc = Assert.Single(ManifestReader.Read(yaml));

        var expected = JsonNode.Parse(expectedJson);
        Assert.True(doc.ContainsKey("v"));
        Assert.Equal(expected?.GetValueKind() ?? JsonValueKind.Null, doc["v"]?.GetValueKind() ?? JsonValueKind.Null);
        Assert.True(JsonNode.DeepEquals(expected, doc["v"]), $"expected {expectedJson}, got {doc["v"]?.ToJsonString() ?? "null"}");
    }

    [Theory]
    [InlineData("1: a", "{\"1\":\"a\"}")]
    [InlineData("true: a", "{\"true\":\"a\"}")]
    [InlineData("~: a", "{\"null\":\"a\"}")]
    [InlineData("\"x y\": a", "{\"x y\":\"a\"}")]
    public void Read_NonStringKeys_BecomeJsonStrings(string yaml, string expected)
    {
        Assert.Equal(expected, ManifestReader.Read(yaml)[0].ToJsonString());
    }

    [Fact]
    public void Read_AnchorsAndAliases_AreExpandedAsIndependentCopies()
    {
        const string yaml = """
            base: &labels {app: web, tier: front}
            metadata:
              labels: *labels
            list: [&n 3, *n]
            """;

        var doc = ManifestReader.Read(yaml)[0];

        Assert.Equal("""{"base":{"app":"web","tier":"front"},"metadata":{"labels":{"app":"web","tier":"front"}},"list":[3,3]}""", doc.ToJsonString());
        doc["metadata"]!["labels"]!["app"] = "changed";
        Assert.Equal("web", (string?)doc["base"]!["app"]);
    }

    [Fact]
    public void Read_MergeKeys_ExplicitKeysWinThenFirstMergedMap()
    {
        const string yaml = """
            a: &a {x: 1, y: 1}
            b: &b {y: 2, z: 2}
            c:
              <<: [*a, *b]
              x: 0
            """;

        var c = ManifestReader.Read(yaml)[0]["c"]!;

        TestFiles.AssertJsonEqual(JsonNode.Parse("""{"x":0,"y":1,"z":2}"""), c);
    }

    [Fact]
    public void ReadDocuments_RepeatedYamlKeys_LastWinsAndPathsAreRecorded()
    {
        const string yaml = """
            metadata:
              name: a
              name: b
            spec:
              containers:
              - name: x
                image: one
                image: two
            """;

        var doc = Assert.Single(ManifestReader.ReadDocuments(yaml));

        Assert.Equal("b", (string?)doc.Object["metadata"]!["name"]);
        Assert.Equal("two", (string?)doc.Object["spec"]!["containers"]![0]!["image"]);
        Assert.Equal(["metadata.name", "spec.containers[0].image"], doc.DuplicateFields);
    }

    [Fact]
    public void ReadDocuments_RepeatedJsonKeys_LastWinsAndPathsAreRecorded()
    {
        var doc = Assert.Single(ManifestReader.ReadDocuments("""{"a":{"b":1,"b":{"c":2}},"list":[{"k":1,"k":2}]}"""u8));

        Assert.Equal("""{"a":{"b":{"c":2}},"list":[{"k":2}]}""", doc.Object.ToJsonString());
        Assert.Equal(["a.b", "list[0].k"], doc.DuplicateFields);
    }

    [Fact]
    public void Read_JsonObject_KeepsNumbersAndStringsExactly()
    {
        const string json = """
            {"apiVersion":"v1","kind":"Pod","n":12345678901234567890123,"f":1.50,"s":"\u00e9\n","b":false,"z":null,"e":{},"l":[]}
            """;

        var doc = Assert.Single(ManifestReader.Read(Encoding.UTF8.GetBytes(json)));

        Assert.Equal("12345678901234567890123", doc["n"]!.ToJsonString());
        Assert.Equal(1.5m, doc["f"]!.GetValue<decimal>());
        Assert.Equal("é\n", (string?)doc["s"]);
        Assert.True(doc.ContainsKey("z"));
        Assert.Empty(doc["l"]!.AsArray());
    }

    [Fact]
    public void Read_JsonStreamOfObjects_ReturnsEach()
    {
        var docs = ManifestReader.Read("""{"a":1} {"b":2}""" + "\n" + """{"c":3}""");

        Assert.Equal(3, docs.Count);
        Assert.Equal("""{"c":3}""", docs[2].ToJsonString());
    }

    [Fact]
    public void Read_Utf8BomAndWhitespaceBeforeJson_Accepted()
    {
        byte[] input = [0xEF, 0xBB, 0xBF, .. "\n  {\"a\":1}"u8.ToArray()];

        Assert.Equal("""{"a":1}""", Assert.Single(ManifestReader.Read(input)).ToJsonString());
    }

    [Fact]
    public void Read_YamlBytesWithMultibyteCharacters_Decoded()
    {
        var doc = Assert.Single(ManifestReader.Read(Encoding.UTF8.GetBytes("msg: héllo 世界\n")));

        Assert.Equal("héllo 世界", (string?)doc["msg"]);
    }

    [Fact]
    public void Read_SameInputAsStringAndBytes_GivesSameResult()
    {
        var yaml = File.ReadAllText(Path.Combine(TestFiles.ExamplesDir, "gracestop.yaml"));

        var fromString = ManifestReader.Read(yaml);
        var fromBytes = ManifestReader.Read(Encoding.UTF8.GetBytes(yaml));

        Assert.Equal(fromString.Select(d => d.ToJsonString()), fromBytes.Select(d => d.ToJsonString()));
        Assert.Equal(JsonValueKind.Number, fromString[1]["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!.GetValueKind());
    }
}
