using System.Text.Json;
using System.Text.Json.Nodes;
using Podvisor.Model.Serialization;

namespace Podvisor.Model.Tests.Serialization;

/// <summary>Every shared example survives YAML → JSON → typed → JSON → typed without losing a field.</summary>
public sealed class ExampleRoundTripTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(TestFiles.ExamplesDir, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void Examples_Directory_HoldsManifests()
    {
        Assert.True(Examples().Count >= 6, $"expected the shared examples in {TestFiles.ExamplesDir}");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_YamlToTypedAndBack_NoFieldLost(string file)
    {
        var yaml = File.ReadAllText(Path.Combine(TestFiles.ExamplesDir, file));
        var docs = ManifestReader.ReadDocuments(yaml);
        Assert.NotEmpty(docs);

        foreach (var doc in docs)
        {
            var first = KubeDecoder.Decode(doc, FieldValidation.Strict);
            Assert.Empty(first.Warnings);
            var json = ToNode(first.Object);

            var second = KubeDecoder.Decode(json, FieldValidation.Strict).Object;

            TestFiles.AssertJsonEqual(doc.Object, json);
            TestFiles.AssertJsonEqual(json, ToNode(second));
            Assert.Equal(KubeJson.Serialize(json), KubeJson.Serialize(ToNode(second)));
        }
    }

    private static JsonObject ToNode(object value) =>
        JsonSerializer.SerializeToNode(value, KubeJson.Options.GetTypeInfo(value.GetType())) as JsonObject
            ?? throw new InvalidOperationException("not an object");
}
