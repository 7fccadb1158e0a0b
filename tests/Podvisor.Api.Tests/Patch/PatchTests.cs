using System.Text.Json.Nodes;
using Podvisor.Api.Patch;

namespace Podvisor.Api.Tests.Patch;

public sealed class PatchTests
{
    private static JsonObject O(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void MergePatch_NullRemoves_ObjectsMerge_ArraysReplace()
    {
        var result = MergePatch.Apply(O("""{"a":1,"b":{"c":2,"d":3},"l":[1,2]}"""), O("""{"a":null,"b":{"c":5},"l":[9]}"""));
        Assert.True(JsonNode.DeepEquals(O("""{"b":{"c":5,"d":3},"l":[9]}"""), result));
    }

    [Fact]
    public void JsonPatch_AllOps_AndFailedTestThrows()
    {
        var doc = O("""{"spec":{"replicas":1,"list":["a","b"]},"metadata":{"annotations":{"x/y":"1"}}}""");
        var patch = JsonNode.Parse("""
            [{"op":"replace","path":"/spec/replicas","value":3},
             {"op":"add","path":"/spec/list/-","value":"c"},
             {"op":"remove","path":"/spec/list/0"},
             {"op":"copy","from":"/spec/replicas","path":"/spec/copied"},
             {"op":"move","from":"/metadata/annotations/x~1y","path":"/metadata/moved"},
             {"op":"test","path":"/spec/replicas","value":3}]
            """)!;
        var result = JsonPatch.Apply(doc, patch);
        Assert.True(JsonNode.DeepEquals(O("""{"spec":{"replicas":3,"list":["b","c"],"copied":3},"metadata":{"annotations":{},"moved":"1"}}"""), result));
        Assert.Throws<PatchException>(() => JsonPatch.Apply(doc, JsonNode.Parse("""[{"op":"test","path":"/spec/replicas","value":9}]""")!));
        Assert.Throws<PatchException>(() => JsonPatch.Apply(doc, JsonNode.Parse("""[{"op":"remove","path":"/nope"}]""")!));
        Assert.Throws<FormatException>(() => JsonPatch.Apply(doc, JsonNode.Parse("""{"op":"add"}""")!));
    }

    [Fact]
    public void StrategicMerge_ContainersMergeByName_PortsByContainerPort()
    {
        var live = O("""{"spec":{"containers":[{"name":"a","image":"a:1","ports":[{"containerPort":80,"name":"http"}]},{"name":"b","image":"b:1"}]}}""");
        var patch = O("""{"spec":{"containers":[{"name":"a","image":"a:2","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443}]}]}}""");
        var result = StrategicMergePatch.Apply(live, patch);
        Assert.True(JsonNode.DeepEquals(O("""
            {"spec":{"containers":[{"name":"a","image":"a:2","ports":[{"containerPort":80,"name":"http","protocol":"TCP"},{"containerPort":443}]},{"name":"b","image":"b:1"}]}}
            """), result));
    }

    [Fact]
    public void StrategicMerge_KubectlApplyPatch_WithSetElementOrderAndDeleteDirective()
    {
        var live = O("""{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"},{"name":"side","image":"s"}],"volumes":[{"name":"v"}]}}""");
        var patch = O("""
            {"metadata":{"labels":{"tier":"fe"}},"spec":{"$setElementOrder/containers":[{"name":"side"},{"name":"nginx"}],
             "containers":[{"image":"nginx:1.27","name":"nginx"}],"volumes":[{"name":"v","$patch":"delete"}]}}
            """);
        var result = StrategicMergePatch.Apply(live, patch);
        Assert.True(JsonNode.DeepEquals(O("""
            {"metadata":{"labels":{"app":"web","tier":"fe"}},"spec":{"containers":[{"name":"side","image":"s"},{"name":"nginx","image":"nginx:1.27"}],"volumes":[]}}
            """), result));
    }

    [Fact]
    public void StrategicMerge_ReplaceRetainKeysAndPrimitiveDeletes()
    {
        var live = O("""{"metadata":{"finalizers":["a","b"]},"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},"env":[{"name":"X","value":"1"}],"conditions":[{"type":"Ready","status":"False"}]}}""");
        var patch = O("""
            {"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]},
             "spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null},
                     "env":[{"$patch":"replace"},{"name":"Y","value":"2"}],
                     "conditions":[{"type":"Ready","status":"True"}]}}
            """);
        var result = StrategicMergePatch.Apply(live, patch);
        Assert.True(JsonNode.DeepEquals(O("""
            {"metadata":{"finalizers":["b"]},"spec":{"strategy":{"type":"Recreate"},"env":[{"name":"Y","value":"2"}],"conditions":[{"type":"Ready","status":"True"}]}}
            """), result));
    }

    [Fact]
    public void StrategicMerge_PatchReplaceMap_AndNullDeletes()
    {
        var live = O("""{"spec":{"selector":{"a":"1","b":"2"},"keep":1}}""");
        var result = StrategicMergePatch.Apply(live, O("""{"spec":{"selector":{"$patch":"replace","c":"3"},"keep":null}}"""));
        Assert.True(JsonNode.DeepEquals(O("""{"spec":{"selector":{"c":"3"}}}"""), result));
    }
}
