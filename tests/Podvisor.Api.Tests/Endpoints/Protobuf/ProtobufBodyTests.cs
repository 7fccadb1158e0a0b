using Google.Protobuf;
using Podvisor.Api.Endpoints;
using Podvisor.Api.Endpoints.Protobuf;

namespace Podvisor.Api.Tests.Endpoints.Protobuf;

public sealed class ProtobufBodyTests
{
    /// <summary>Writes protobuf fields by number, the way Go's generated marshaller does (value fields always written).</summary>
    private sealed class Pb
    {
        private readonly MemoryStream _buffer = new();
        private readonly CodedOutputStream _out;

        public Pb() => _out = new CodedOutputStream(_buffer, leaveOpen: true);

        public Pb Str(int n, string value)
        {
            _out.WriteTag(n, WireFormat.WireType.LengthDelimited);
            _out.WriteString(value);
            return this;
        }

        public Pb Bytes(int n, byte[] value)
        {
            _out.WriteTag(n, WireFormat.WireType.LengthDelimited);
            _out.WriteBytes(ByteString.CopyFrom(value));
            return this;
        }

        public Pb Varint(int n, long value)
        {
            _out.WriteTag(n, WireFormat.WireType.Varint);
            _out.WriteInt64(value);
            return this;
        }

        public Pb Msg(int n, Pb message) => Bytes(n, message.ToArray());

        public Pb Entry(int n, string key, string value) => Msg(n, new Pb().Str(1, key).Str(2, value));

        public byte[] ToArray()
        {
            _out.Flush();
            return _buffer.ToArray();
        }
    }

    private static byte[] Envelope(string apiVersion, string kind, Pb raw, string contentEncoding = "") =>
        Envelope(apiVersion, kind, raw.ToArray(), contentEncoding);

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw, string contentEncoding = "")
    {
        var unknown = new Pb()
            .Msg(1, new Pb().Str(1, apiVersion).Str(2, kind))
            .Bytes(2, raw)
            .Str(3, contentEncoding)
            .Str(4, "");
        return [.. "k8s\0"u8.ToArray(), .. unknown.ToArray()];
    }

    /// <summary>ObjectMeta as Go writes a fresh one: every string field, generation 0 and an empty creationTimestamp.</summary>
    private static Pb Meta(string name, params (string Key, string Value)[] labels)
    {
        var meta = new Pb().Str(1, name).Str(2, "").Str(3, "").Str(4, "").Str(5, "").Str(6, "").Varint(7, 0).Msg(8, new Pb());
        foreach (var (k, v) in labels)
        {
            meta.Entry(11, k, v);
        }

        return meta;
    }

    private static string Json(byte[] body) => ProtobufBody.Parse(body).ToJsonString();

    [Fact]
    public void Parse_Namespace_EmptyValueFieldsOmitted_StructsKept()
    {
        var ns = new Pb().Msg(1, Meta("x")).Msg(2, new Pb()).Msg(3, new Pb().Str(1, ""));

        Assert.Equal("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"},"spec":{},"status":{}}""", Json(Envelope("v1", "Namespace", ns)));
    }

    [Fact]
    public void Parse_ConfigMap_DataAndBinaryDataAsBase64()
    {
        var cm = new Pb().Msg(1, Meta("c")).Entry(2, "a", "b").Entry(2, "k", "v")
            .Msg(3, new Pb().Str(1, "bin").Bytes(2, [0, 1, 2]));

        Assert.Equal(
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"b","k":"v"},"binaryData":{"bin":"AAEC"}}""",
            Json(Envelope("v1", "ConfigMap", cm)));
    }

    [Fact]
    public void Parse_Secret_BytesDataBase64_PointerBoolKeptWhenFalse()
    {
        var secret = new Pb().Msg(1, Meta("s")).Msg(2, new Pb().Str(1, "a").Bytes(2, "b"u8.ToArray())).Str(3, "").Varint(5, 0);

        Assert.Equal(
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"Yg=="},"immutable":false}""",
            Json(Envelope("v1", "Secret", secret)));
    }

    [Fact]
    public void Parse_Service_PortsIntOrStringAndSelector()
    {
        var port = new Pb().Str(1, "80-8080").Str(2, "TCP").Varint(3, 80)
            .Msg(4, new Pb().Varint(1, 0).Varint(2, 8080).Str(3, "")).Varint(5, 0);
        var named = new Pb().Str(1, "web").Str(2, "TCP").Varint(3, 81)
            .Msg(4, new Pb().Varint(1, 1).Varint(2, 0).Str(3, "http")).Varint(5, 0);
        var spec = new Pb().Msg(1, port).Msg(1, named).Entry(2, "app", "s").Str(3, "").Str(4, "ClusterIP").Str(7, "").Str(8, "")
            .Str(10, "").Str(11, "").Varint(12, 0).Varint(13, 0);
        var svc = new Pb().Msg(1, Meta("s", ("app", "s"))).Msg(2, spec).Msg(3, new Pb().Msg(1, new Pb()));

        Assert.Equal(
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","labels":{"app":"s"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080},{"name":"web","protocol":"TCP","port":81,"targetPort":"http"}],"selector":{"app":"s"},"type":"ClusterIP"},"status":{"loadBalancer":{}}}""",
            Json(Envelope("v1", "Service", svc)));
    }

    [Fact]
    public void Parse_Deployment_PointerZeroReplicasKept_TemplateAndTimes()
    {
        var meta = new Pb().Str(1, "d").Str(3, "").Varint(7, 0).Msg(8, new Pb().Varint(1, 1_700_000_000).Varint(2, 5)).Entry(11, "app", "d");
        var container = new Pb().Str(1, "busybox").Str(2, "busybox").Str(3, "sleep").Str(3, "100").Str(5, "")
            .Msg(8, new Pb().Msg(1, new Pb().Str(1, "cpu").Msg(2, new Pb().Str(1, "100m"))))
            .Str(13, "").Str(14, "").Varint(16, 0).Varint(17, 0).Varint(18, 0).Str(20, "");
        var podSpec = new Pb().Msg(2, container).Str(3, "").Str(6, "").Str(8, "").Str(9, "").Str(10, "").Varint(11, 0)
            .Msg(14, new Pb().Varint(4, 1000).Varint(4, 2000));
        var template = new Pb().Msg(1, new Pb().Str(1, "").Msg(8, new Pb()).Entry(11, "app", "d")).Msg(2, podSpec);
        var strategy = new Pb().Str(1, "RollingUpdate").Msg(2, new Pb().Msg(2, new Pb().Varint(1, 1).Str(3, "25%")).Msg(1, new Pb().Varint(1, 0).Varint(2, 0)));
        var spec = new Pb().Varint(1, 0).Msg(2, new Pb().Entry(1, "app", "d")).Msg(3, template).Msg(4, strategy).Varint(5, 0).Varint(7, 0);
        var deploy = new Pb().Msg(1, meta).Msg(2, spec).Msg(3, new Pb().Varint(1, 0).Varint(2, 0));

        Assert.Equal(
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","creationTimestamp":"2023-11-14T22:13:20Z","labels":{"app":"d"}},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"busybox","image":"busybox","command":["sleep","100"],"resources":{"limits":{"cpu":"100m"}}}],"securityContext":{"supplementalGroups":[1000,2000]}}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":0}}},"status":{}}""",
            Json(Envelope("apps/v1", "Deployment", deploy)));
    }

    [Fact]
    public void Parse_PackedRepeatedVarint_AndInlineEmbeddedStruct()
    {
        var groups = new MemoryStream();
        using (var o = new CodedOutputStream(groups, leaveOpen: true))
        {
            o.WriteInt64(5);
            o.WriteInt64(300);
        }

        var env = new Pb().Str(1, "E").Str(2, "").Msg(3, new Pb().Msg(4, new Pb().Msg(1, new Pb().Str(1, "sec")).Str(2, "k").Varint(3, 1)));
        var probe = new Pb().Msg(1, new Pb().Msg(1, new Pb().Str(1, "true"))).Varint(2, 0).Varint(3, 1).Varint(4, 10).Varint(5, 1).Varint(6, 3);
        var container = new Pb().Str(1, "c").Msg(7, env).Msg(10, probe);
        var spec = new Pb().Msg(2, container).Msg(14, new Pb().Bytes(4, groups.ToArray()));
        var pod = new Pb().Msg(1, Meta("p")).Msg(2, spec).Msg(3, new Pb());

        Assert.Equal(
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","env":[{"name":"E","valueFrom":{"secretKeyRef":{"name":"sec","key":"k","optional":true}}}],"livenessProbe":{"exec":{"command":["true"]},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3}}],"securityContext":{"supplementalGroups":[5,300]}},"status":{}}""",
            Json(Envelope("v1", "Pod", pod)));
    }

    /// <summary>Bodies recorded from kubectl v1.32 <c>create</c> generators, with the JSON the same objects have as JSON bodies.</summary>
    [Theory]
    [InlineData(
        "kubectl create namespace gen-ns",
        "6b3873000a0f0a02763112094e616d657370616365121e0a160a0667656e2d6e7312001a0022002a0032003800420012001a020a001a002200",
        """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"gen-ns"},"spec":{},"status":{}}""")]
    [InlineData(
        "kubectl create configmap c --from-literal=a=b",
        "6b3873000a0f0a0276311209436f6e6669674d6170121b0a110a016312001a0022002a0032003800420012060a01611201621a002200",
        """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"b"}}""")]
    [InlineData(
        "kubectl create secret generic s --from-literal=a=b",
        "6b3873000a0c0a0276311206536563726574121d0a110a017312001a0022002a0032003800420012060a01611201621a001a002200",
        """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"Yg=="}}""")]
    [InlineData(
        "kubectl create service clusterip s --tcp=80:8080",
        "6b3873000a0d0a02763112075365727669636512630a1b0a017312001a0022002a003200380042005a080a0361707012017312400a1b0a0738302d38303830120354435018502207080010903f1a00280012080a036170701201731a002209436c757374657249503a00420052005a00600068001a020a001a002200",
        """{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","labels":{"app":"s"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080}],"selector":{"app":"s"},"type":"ClusterIP"},"status":{"loadBalancer":{}}}""")]
    [InlineData(
        "kubectl create deployment d --image=busybox -- sleep 100",
        "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b4010a1b0a016412001a0022002a003200380042005a080a036170701201641286010801120a0a080a036170701201641a6e0a1a0a0012001a0022002a003200380042005a080a03617070120164125012320a0762757379626f78120762757379626f781a05736c6565701a033130302a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200",
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"app":"d"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"busybox","image":"busybox","command":["sleep","100"],"resources":{}}]}},"strategy":{}},"status":{}}""")]
    [InlineData(
        "kubectl create deployment zero --image=busybox --replicas=0",
        "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b4010a210a047a65726f12001a0022002a003200380042005a0b0a0361707012047a65726f1280010800120d0a0b0a0361707012047a65726f1a650a1d0a0012001a0022002a003200380042005a0b0a0361707012047a65726f124412260a0762757379626f78120762757379626f782a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200",
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"zero","labels":{"app":"zero"}},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"zero"}},"template":{"metadata":{"labels":{"app":"zero"}},"spec":{"containers":[{"name":"busybox","image":"busybox","resources":{}}]}},"strategy":{}},"status":{}}""")]
    public void Parse_RecordedKubectlBody_MatchesJson(string command, string hex, string json)
    {
        Assert.True(Json(Convert.FromHexString(hex)) == json, $"{command}: {Json(Convert.FromHexString(hex))}");
    }

    [Fact]
    public void Parse_UnknownFieldNumbers_AreSkipped()
    {
        var ns = new Pb().Msg(1, Meta("x").Varint(99, 7).Str(98, "future")).Str(42, "ignored").Varint(43, 1).Msg(2, new Pb().Str(1, "kubernetes"));

        Assert.Equal(
            """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"},"spec":{"finalizers":["kubernetes"]}}""",
            Json(Envelope("v1", "Namespace", ns)));
    }

    [Fact]
    public void RequestBody_ProtobufMediaType_DecodesToJsonObject()
    {
        var node = RequestBody.ParseObject(Envelope("v1", "Namespace", new Pb().Msg(1, Meta("x"))), "application/vnd.kubernetes.protobuf", "unable to decode Namespace");

        Assert.Equal("x", node["metadata"]!["name"]!.GetValue<string>());
    }

    public static TheoryData<string, byte[]> Malformed()
    {
        var valid = Envelope("v1", "Namespace", new Pb().Msg(1, Meta("x")).Msg(2, new Pb()));
        return new()
        {
            { "empty", [] },
            { "bad magic", [.. "k8s\u0001"u8.ToArray(), .. valid[4..]] },
            { "json", "{\"kind\":\"Namespace\"}"u8.ToArray() },
            { "truncated", valid[..^3] },
            { "truncated varint", [.. "k8s\0"u8.ToArray(), 0x08, 0xFF] },
            { "no kind", [.. "k8s\0"u8.ToArray()] },
            { "metadata as varint", Envelope("v1", "Namespace", new Pb().Varint(1, 5)) },
            { "name as varint", Envelope("v1", "Namespace", new Pb().Msg(1, new Pb().Varint(1, 5))) },
            { "typeMeta as varint", [.. "k8s\0"u8.ToArray(), 0x08, 0x01] },
            { "field number zero", [.. "k8s\0"u8.ToArray(), 0x00, 0x01] },
            { "raw length past end", [.. "k8s\0"u8.ToArray(), 0x12, 0x7F, 0x0A] },
            { "metadata as end group", Envelope("v1", "Namespace", [0x0C]) },
            { "unknown end group", Envelope("v1", "Namespace", [0x7C]) },
            { "unterminated group", Envelope("v1", "Namespace", [0x7B, 0x08, 0x01]) },
            { "invalid wire type", Envelope("v1", "Namespace", [0x7E, 0x01]) },
            { "nested truncated", Envelope("v1", "Namespace", [0x0A, 0x05, 0x0A, 0x01]) },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_Malformed_Is400(string why, byte[] body)
    {
        var e = Assert.Throws<ApiError>(() => RequestBody.Parse(body, "application/vnd.kubernetes.protobuf"));
        Assert.True(e.Code == 400, $"{why}: {e.Code} {e.Message}");
        Assert.Equal("BadRequest", e.Reason);
    }

    [Theory]
    [InlineData("v1", "Event", "")]
    [InlineData("batch/v1", "Job", "")]
    [InlineData("v2", "Namespace", "")]
    [InlineData("v1", "Namespace", "gzip")]
    public void Parse_KindOrEncodingNotCovered_Is415(string apiVersion, string kind, string encoding)
    {
        var e = Assert.Throws<ApiError>(() => RequestBody.Parse(Envelope(apiVersion, kind, new Pb().Msg(1, Meta("x")), encoding), "application/vnd.kubernetes.protobuf"));

        Assert.Equal(415, e.Code);
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml", e.Message);
    }

    [Fact]
    public void Schema_EveryReferencedMessageExists()
    {
        var missing = ProtobufSchema.Messages.Values
            .SelectMany(m => m.Fields.Values.Where(f => f.Message is not null && !ProtobufSchema.Messages.ContainsKey(f.Message)).Select(f => $"{m.Name}.{f.Name} -> {f.Message}"))
            .Concat(ProtobufSchema.Kinds.Values.Where(k => !ProtobufSchema.Messages.ContainsKey(k)))
            .ToList();

        Assert.Empty(missing);
    }
}
