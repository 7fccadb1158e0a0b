using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podvisor.Model.Serialization;

namespace Podvisor.Model.Tests.Serialization;

/// <summary>
/// Golden/&lt;Kind&gt;.json holds one object of each served kind exactly as the Kubernetes API server writes it (Go's
/// encoding/json: struct field order, omitempty, a zero metav1.Time as null). Binding it and writing it back must
/// give the same text: same fields, same order, same value types. Only whitespace and string escaping (Go and
/// System.Text.Json escape different characters, both valid JSON) are normalised.
/// </summary>
public sealed class GoldenJsonTests
{
    private static readonly string[] ServedKinds =
    [
        "ConfigMap", "Deployment", "EndpointSlice", "Endpoints", "Event", "Namespace", "Node", "Pod", "ReplicaSet",
        "Secret", "Service", "Status",
    ];

    public static TheoryData<string> Goldens()
    {
        var data = new TheoryData<string>();
        foreach (var kind in GoldenKinds())
        {
            data.Add(kind);
        }

        return data;
    }

    private static string[] GoldenKinds() =>
        [.. Directory.GetFiles(TestFiles.GoldenDir, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];

    [Fact]
    public void GoldenDir_EveryServedKind_HasOneFile()
    {
        Assert.Equal(ServedKinds.Order(StringComparer.Ordinal), GoldenKinds());
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Golden_StrictDecode_ModelKnowsEveryField(string kind)
    {
        var golden = Load(kind);

        var decoded = KubeDecoder.Decode(golden, FieldValidation.Strict);

        Assert.Equal(kind, decoded.Object.Kind);
        Assert.Equal(KubeDecoder.TypeFor((string)golden["apiVersion"]!, kind), decoded.Object.GetType());
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Golden_DeserializeAndSerialize_SameJsonAsKubernetes(string kind)
    {
        var text = File.ReadAllText(Path.Combine(TestFiles.GoldenDir, kind + ".json"));
        var golden = Load(kind);
        var type = KubeDecoder.TypeFor((string)golden["apiVersion"]!, kind)!;

        var typed = JsonSerializer.Deserialize(text, type, KubeJson.Options)!;
        var written = JsonSerializer.Serialize(typed, type, KubeJson.Options);

        var expected = Normalize(text);
        var actual = Normalize(written);
        if (expected != actual)
        {
            var at = FirstDifference(expected, actual);
            Assert.Fail($"{kind} JSON differs from Kubernetes' at character {at}:\nexpected: ...{Around(expected, at)}...\nactual:   ...{Around(actual, at)}...");
        }
    }

    private static JsonObject Load(string kind) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestFiles.GoldenDir, kind + ".json")))!.AsObject();

    /// <summary>Compact JSON in the source's property order, strings escaped one fixed way.</summary>
    private static string Normalize(string json)
    {
        using var doc = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            doc.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static int FirstDifference(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return n;
    }

    private static string Around(string s, int at)
    {
        var start = Math.Max(0, at - 120);
        return s[start..Math.Min(s.Length, at + 120)];
    }
}
