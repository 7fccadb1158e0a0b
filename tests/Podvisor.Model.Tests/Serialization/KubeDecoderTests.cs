using System.Text.Json.Nodes;
using Podvisor.Model.Apps;
using Podvisor.Model.Core;
using Podvisor.Model.Discovery;
using Podvisor.Model.Meta;
using Podvisor.Model.Serialization;

namespace Podvisor.Model.Tests.Serialization;

public sealed class KubeDecoderTests
{
    private const string PodWithTypos = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          labelz: {a: b}
        spec:
          foo: 1
          containers:
          - name: c
            image: nginx
            imagePullPolicyy: Always
            ports:
            - containerPort: 80
              hostport: 8080
        """;

    [Theory]
    [InlineData("v1", "Pod", typeof(Pod))]
    [InlineData("v1", "Service", typeof(Service))]
    [InlineData("v1", "Endpoints", typeof(Endpoints))]
    [InlineData("v1", "Namespace", typeof(Namespace))]
    [InlineData("v1", "Node", typeof(Node))]
    [InlineData("v1", "Event", typeof(Event))]
    [InlineData("v1", "ConfigMap", typeof(ConfigMap))]
    [InlineData("v1", "Secret", typeof(Secret))]
    [InlineData("apps/v1", "Deployment", typeof(Deployment))]
    [InlineData("apps/v1", "ReplicaSet", typeof(ReplicaSet))]
    [InlineData("discovery.k8s.io/v1", "EndpointSlice", typeof(EndpointSlice))]
    public void Decode_ByApiVersionAndKind_ReturnsRegisteredType(string apiVersion, string kind, Type expected)
    {
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = new JsonObject { ["name"] = "x" } };

        var result = KubeDecoder.Decode(obj, FieldValidation.Strict);

        Assert.IsType(expected, result.Object);
        Assert.Equal("x", result.Object.Metadata.Name);
    }

    [Fact]
    public void Decode_StrictWithUnknownFields_FailsListingAllPaths()
    {
        var doc = ManifestReader.ReadDocuments(PodWithTypos)[0];

        var e = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode(doc, FieldValidation.Strict));

        Assert.Equal(DecodeFailure.StrictDecoding, e.Failure);
        Assert.Equal(
            "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"metadata.labelz\", "
            + "unknown field \"spec.foo\", unknown field \"spec.containers[0].imagePullPolicyy\", "
            + "unknown field \"spec.containers[0].ports[0].hostport\"",
            e.Message);
        Assert.Equal(4, e.Causes.Count);
    }

    [Fact]
    public void Decode_WarnWithUnknownFields_DropsThemAndWarns()
    {
        var doc = ManifestReader.ReadDocuments(PodWithTypos)[0];

        var result = KubeDecoder.Decode(doc, FieldValidation.Warn);

        Assert.Equal(
            ["unknown field \"metadata.labelz\"", "unknown field \"spec.foo\"", "unknown field \"spec.containers[0].imagePullPolicyy\"",
             "unknown field \"spec.containers[0].ports[0].hostport\""],
            result.Warnings);
        var pod = Assert.IsType<Pod>(result.Object);
        Assert.Equal(80, pod.Spec!.Containers[0].Ports![0].ContainerPortNumber);
        Assert.Null(pod.Spec.Containers[0].ImagePullPolicy);
        Assert.DoesNotContain("imagePullPolicyy", KubeJson.Serialize(pod), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_IgnoreWithUnknownFields_NoWarnings()
    {
        var doc = ManifestReader.ReadDocuments(PodWithTypos)[0];

        var result = KubeDecoder.Decode(doc, FieldValidation.Ignore);

        Assert.Empty(result.Warnings);
        Assert.Equal("nginx", ((Pod)result.Object).Spec!.Containers[0].Image);
    }

    [Fact]
    public void Decode_DuplicateFields_StrictFailsWarnWarnsIgnoreKeepsLast()
    {
        var doc = ManifestReader.ReadDocuments("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}"u8)[0];

        var strict = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode(doc, FieldValidation.Strict));
        var warn = KubeDecoder.Decode(doc, FieldValidation.Warn);
        var ignore = KubeDecoder.Decode(doc, FieldValidation.Ignore);

        Assert.Equal("Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: duplicate field \"metadata.name\"", strict.Message);
        Assert.Equal(["duplicate field \"metadata.name\""], warn.Warnings);
        Assert.Equal("b", warn.Object.Metadata.Name);
        Assert.Empty(ignore.Warnings);
        Assert.Equal("b", ignore.Object.Metadata.Name);
    }

    [Fact]
    public void Decode_StrictWithDuplicateAndUnknown_ReportsBothAtOnce()
    {
        var doc = ManifestReader.ReadDocuments("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\nspec:\n  bogus: 1\n")[0];

        var e = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode(doc, FieldValidation.Strict));

        Assert.EndsWith("strict decoding error: duplicate field \"metadata.name\", unknown field \"spec.bogus\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"spec":{"containers":[{"name":"c","ports":[{"containerPort":"abc"}]}]}}""",
        "json: cannot unmarshal string into field \"spec.containers[0].ports[0].containerPort\" of type int32")]
    [InlineData("""{"spec":{"containers":[{"name":"c","ports":[{"containerPort":3000000000}]}]}}""",
        "json: cannot unmarshal number 3000000000 into field \"spec.containers[0].ports[0].containerPort\" of type int32")]
    [InlineData("""{"spec":{"containers":[{"name":"c","ports":[{"containerPort":1.5}]}]}}""",
        "json: cannot unmarshal number 1.5 into field \"spec.containers[0].ports[0].containerPort\" of type int32")]
    [InlineData("""{"spec":{"containers":{"name":"c"}}}""",
        "json: cannot unmarshal object into field \"spec.containers\" of type []Container")]
    [InlineData("""{"spec":{"containers":[{"name":7}]}}""",
        "json: cannot unmarshal number 7 into field \"spec.containers[0].name\" of type string")]
    [InlineData("""{"spec":{"hostNetwork":"true"}}""",
        "json: cannot unmarshal string into field \"spec.hostNetwork\" of type bool")]
    [InlineData("""{"metadata":{"labels":{"a":1}}}""",
        "json: cannot unmarshal number 1 into field \"metadata.labels.a\" of type string")]
    [InlineData("""{"metadata":"x"}""",
        "json: cannot unmarshal string into field \"metadata\" of type ObjectMeta")]
    [InlineData("""{"spec":{"containers":[{"name":"c","livenessProbe":{"httpGet":{"port":true}}}]}}""",
        "json: cannot unmarshal bool into field \"spec.containers[0].livenessProbe.httpGet.port\" of type IntOrString")]
    public void Decode_WrongJsonTypes_ErrorNamesFieldPathAndType(string json, string expected)
    {
        var obj = JsonNode.Parse(json)!.AsObject();
        obj["apiVersion"] = "v1";
        obj["kind"] = "Pod";

        var e = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode(obj, FieldValidation.Ignore));

        Assert.Equal(DecodeFailure.InvalidValue, e.Failure);
        Assert.Equal($"Pod in version \"v1\" cannot be handled as a Pod: {expected}", e.Message);
    }

    [Fact]
    public void Decode_SeveralWrongTypes_ReportsEach()
    {
        var obj = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","spec":{"hostNetwork":1,"priority":"high"}}""")!.AsObject();

        var e = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode(obj, FieldValidation.Strict));

        Assert.Equal(2, e.Causes.Count);
        Assert.Contains("\"spec.hostNetwork\" of type bool", e.Causes[0], StringComparison.Ordinal);
        Assert.Contains("\"spec.priority\" of type int32", e.Causes[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"apiVersion":"v1","kind":"Secret","data":{"k":"not base64!"}}""", "data.k")]
    [InlineData("""{"apiVersion":"v1","kind":"Pod","metadata":{"creationTimestamp":"yesterday"}}""", "metadata.creationTimestamp")]
    public void Decode_UnreadableScalar_ErrorNamesFieldPath(string json, string path)
    {
        var obj = JsonNode.Parse(json)!.AsObject();

        var e = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode(obj, FieldValidation.Strict));

        Assert.Equal(DecodeFailure.InvalidValue, e.Failure);
        Assert.Contains($"json: cannot decode field \"{path}\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NullsMeanUnset_NonNullablePropertiesKeepDefaults()
    {
        const string yaml = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              annotations:
                empty:
            spec:
              restartPolicy: null
              containers:
              - name:
                image: nginx
                command: [sh, null]
                ports:
                - containerPort:
            """;

        var pod = (Pod)KubeDecoder.Decode(ManifestReader.Read(yaml)[0], FieldValidation.Strict).Object;

        Assert.Equal("", pod.Metadata.Annotations!["empty"]);
        Assert.Null(pod.Spec!.RestartPolicy);
        Assert.Equal("", pod.Spec.Containers[0].Name);
        Assert.Equal(["sh", ""], pod.Spec.Containers[0].Command);
        Assert.Equal(0, pod.Spec.Containers[0].Ports![0].ContainerPortNumber);
    }

    // Go's decoder (sigs.k8s.io/json, as encoding/json) ignores a null that meets a struct, so a null list item is the
    // struct's zero value, not a decoding error; the API server then rejects the pod in validation
    // (spec.containers[0].name: Required value), not in decoding.
    [Theory]
    [InlineData(FieldValidation.Strict)]
    [InlineData(FieldValidation.Ignore)]
    public void Decode_NullItemInListOfStructs_IsTheZeroStruct(FieldValidation mode)
    {
        var obj = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","spec":{"containers":[null,{"name":"c"}]}}""")!.AsObject();

        var pod = (Pod)KubeDecoder.Decode(obj, mode).Object;

        Assert.Equal(2, pod.Spec!.Containers.Count);
        Assert.Equal("", pod.Spec.Containers[0].Name);
        Assert.Null(pod.Spec.Containers[0].Image);
        Assert.Equal("c", pod.Spec.Containers[1].Name);
    }

    [Fact]
    public void Decode_AbsentNonNullableMembers_GetZeroValues()
    {
        var obj = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"image":"nginx"}]}}""")!.AsObject();
        var before = obj.ToJsonString();

        var pod = (Pod)KubeDecoder.Decode(obj, FieldValidation.Strict).Object;
        var empty = (Pod)KubeDecoder.Decode(JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","spec":{}}""")!.AsObject(), FieldValidation.Strict).Object;

        Assert.NotNull(pod.Metadata);
        Assert.Equal("", pod.Spec!.Containers[0].Name);
        Assert.NotNull(empty.Spec!.Containers);
        Assert.Empty(empty.Spec.Containers);
        Assert.Equal(before, obj.ToJsonString());
    }

    [Fact]
    public void Decode_NullMetadata_KeepsEmptyMetadataAndDoesNotModifyInput()
    {
        var obj = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":null,"data":{"a":null}}""")!.AsObject();
        var before = obj.ToJsonString();

        var cm = (ConfigMap)KubeDecoder.Decode(obj, FieldValidation.Strict).Object;

        Assert.NotNull(cm.Metadata);
        Assert.Equal("", cm.Data!["a"]);
        Assert.Equal(before, obj.ToJsonString());
    }

    [Fact]
    public void DecodeGeneric_DeleteOptionsWithoutTypeMeta_Decodes()
    {
        var obj = JsonNode.Parse("""{"gracePeriodSeconds":0,"propagationPolicy":"Foreground","preconditions":{"uid":"u"}}""")!.AsObject();

        var options = KubeDecoder.Decode<DeleteOptions>(obj, FieldValidation.Strict).Object;

        Assert.Equal(0, options.GracePeriodSeconds);
        Assert.Equal("Foreground", options.PropagationPolicy);
        Assert.Equal("u", options.Preconditions!.Uid);
    }

    [Fact]
    public void DecodeGeneric_UnknownFieldWithoutTypeMeta_NamesTheType()
    {
        var obj = JsonNode.Parse("""{"gracePeriod":0}""")!.AsObject();

        var e = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode<DeleteOptions>(obj, FieldValidation.Strict));

        Assert.Equal("DeleteOptions cannot be handled as a DeleteOptions: strict decoding error: unknown field \"gracePeriod\"", e.Message);
    }

    [Fact]
    public void Decode_JsonElementFields_AreNotCheckedForUnknownFields()
    {
        var obj = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","managedFields":[{"manager":"kubectl","fieldsV1":{"f:spec":{}}}]}}""")!.AsObject();

        var pod = (Pod)KubeDecoder.Decode(obj, FieldValidation.Strict).Object;

        Assert.Single(pod.Metadata.ManagedFields!);
    }

    [Fact]
    public void Decode_YamlIntegralFloat_AcceptedForIntegerField()
    {
        var pod = (Pod)KubeDecoder.Decode(ManifestReader.Read("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: 80.0\n")[0], FieldValidation.Strict).Object;

        Assert.Equal(80, pod.Spec!.Containers[0].Ports![0].ContainerPortNumber);
    }

    [Fact]
    public void Decode_YamlOctalFileMode_ReadAsKubernetesDoes()
    {
        const string yaml = """
            apiVersion: v1
            kind: Pod
            spec:
              containers: []
              volumes:
              - name: s
                secret: {secretName: s, defaultMode: 0644}
            """;

        var pod = (Pod)KubeDecoder.Decode(ManifestReader.Read(yaml)[0], FieldValidation.Strict).Object;

        Assert.Equal(420, pod.Spec!.Volumes![0].Secret!.DefaultMode);
    }

    [Fact]
    public void Decode_MissingKind_ClearError()
    {
        var obj = JsonNode.Parse("""{"apiVersion":"v1","metadata":{"name":"x"}}""")!.AsObject();

        var e = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode(obj, FieldValidation.Strict));

        Assert.Equal(DecodeFailure.MissingTypeMeta, e.Failure);
        Assert.Equal("Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"}}'", e.Message);
    }

    [Fact]
    public void Decode_MissingApiVersion_ClearError()
    {
        var obj = JsonNode.Parse("""{"kind":"Pod","metadata":{"name":"x"}}""")!.AsObject();

        var e = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode(obj, FieldValidation.Strict));

        Assert.Equal(DecodeFailure.MissingTypeMeta, e.Failure);
        Assert.StartsWith("Object 'apiVersion' is missing in '{\"kind\":\"Pod\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_KindNotAString_ClearError()
    {
        var obj = JsonNode.Parse("""{"apiVersion":"v1","kind":5}""")!.AsObject();

        var e = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode(obj, FieldValidation.Strict));

        Assert.Equal("json: cannot unmarshal number into field \"kind\" of type string", e.Message);
    }

    [Theory]
    [InlineData("v1", "Widget")]
    [InlineData("apps/v1", "Pod")]
    [InlineData("example.com/v1", "Deployment")]
    public void Decode_UnregisteredKind_ClearError(string apiVersion, string kind)
    {
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };

        var e = Assert.Throws<KubeDecodeException>(() => KubeDecoder.Decode(obj, FieldValidation.Strict));

        Assert.Equal(DecodeFailure.UnknownKind, e.Failure);
        Assert.Equal($"no kind \"{kind}\" is registered for version \"{apiVersion}\"", e.Message);
    }

    [Theory]
    [InlineData("Strict", true, FieldValidation.Strict)]
    [InlineData("Warn", true, FieldValidation.Warn)]
    [InlineData("Ignore", true, FieldValidation.Ignore)]
    [InlineData("strict", false, FieldValidation.Strict)]
    [InlineData("", false, FieldValidation.Strict)]
    [InlineData(null, false, FieldValidation.Strict)]
    public void TryParseFieldValidation_ExactValuesOnly(string? value, bool ok, FieldValidation expected)
    {
        Assert.Equal(ok, KubeDecoder.TryParseFieldValidation(value, out var mode));
        Assert.Equal(expected, mode);
    }

    [Fact]
    public void UnknownFields_ReportsPathsWithoutDecoding()
    {
        var obj = JsonNode.Parse("""{"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"a","imagee":"x"}]}},"paused2":true}}""")!.AsObject();

        Assert.Equal(["spec.template.spec.containers[0].imagee", "spec.paused2"], KubeDecoder.UnknownFields(typeof(Deployment), obj));
    }

    [Fact]
    public void Decode_InParallel_GivesSameResults()
    {
        var doc = ManifestReader.ReadDocuments(PodWithTypos)[0];

        var results = Enumerable.Range(0, 64).AsParallel().Select(_ => string.Join("|", KubeDecoder.Decode(doc, FieldValidation.Warn).Warnings)).Distinct().ToList();

        Assert.Single(results);
    }
}
