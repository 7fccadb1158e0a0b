using System.Text.Json.Nodes;
using Podvisor.Api.Tables;

namespace Podvisor.Api.Tests.Tables;

public sealed class PodTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static JsonArray Cells(string json) => new(new PodTable().Cells(JsonNode.Parse(json)!.AsObject(), Now));

    private const string Meta = """ "metadata":{"name":"p","creationTimestamp":"2026-01-01T11:59:35Z"} """;

    private static JsonArray Pod(string spec, string status) => Cells("{" + Meta + ",\"spec\":" + spec + ",\"status\":" + status + "}");

    [Theory]
    [InlineData("""{"phase":"Pending"}""", "0/1", "Pending")]
    [InlineData("""{"phase":"Pending","containerStatuses":[{"name":"c","ready":false,"restartCount":0,"state":{"waiting":{"reason":"ContainerCreating"}}}]}""", "0/1", "ContainerCreating")]
    [InlineData("""{"phase":"Running","containerStatuses":[{"name":"c","ready":true,"restartCount":0,"state":{"running":{}}}]}""", "1/1", "Running")]
    [InlineData("""{"phase":"Running","containerStatuses":[{"name":"c","ready":false,"restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}""", "0/1", "CrashLoopBackOff")]
    [InlineData("""{"phase":"Succeeded","containerStatuses":[{"name":"c","ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}""", "0/1", "Completed")]
    [InlineData("""{"phase":"Failed","containerStatuses":[{"name":"c","ready":false,"state":{"terminated":{"exitCode":1,"reason":"Error"}}}]}""", "0/1", "Error")]
    [InlineData("""{"phase":"Running","containerStatuses":[{"name":"c","ready":false,"state":{"terminated":{"exitCode":137,"reason":"OOMKilled"}}}]}""", "0/1", "OOMKilled")]
    [InlineData("""{"phase":"Running","containerStatuses":[{"name":"c","ready":false,"state":{"terminated":{"exitCode":2}}}]}""", "0/1", "ExitCode:2")]
    [InlineData("""{"phase":"Running","containerStatuses":[{"name":"c","ready":false,"state":{"terminated":{"exitCode":0,"signal":9}}}]}""", "0/1", "Signal:9")]
    [InlineData("""{"phase":"Failed","reason":"Evicted"}""", "0/1", "Evicted")]
    public void Status_OneContainer(string status, string ready, string expected)
    {
        var cells = Pod("""{"containers":[{"name":"c"}]}""", status);
        Assert.Equal(ready, cells[1]!.GetValue<string>());
        Assert.Equal(expected, cells[2]!.GetValue<string>());
        Assert.Equal("25s", cells[4]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""[{"name":"i1","state":{"running":{}}}]""", "Init:0/2")]
    [InlineData("""[{"name":"i1","state":{"terminated":{"exitCode":0}}},{"name":"i2","state":{"waiting":{"reason":"PodInitializing"}}}]""", "Init:1/2")]
    [InlineData("""[{"name":"i1","state":{"waiting":{"reason":"CrashLoopBackOff"}}}]""", "Init:CrashLoopBackOff")]
    [InlineData("""[{"name":"i1","state":{"terminated":{"exitCode":3}}}]""", "Init:ExitCode:3")]
    [InlineData("""[{"name":"i1","state":{"terminated":{"exitCode":1,"reason":"Error"}}}]""", "Init:Error")]
    public void Status_InitContainers(string initStatuses, string expected)
    {
        var cells = Pod(
            """{"initContainers":[{"name":"i1"},{"name":"i2"}],"containers":[{"name":"c"}]}""",
            """{"phase":"Pending","initContainerStatuses":""" + initStatuses
            + """ ,"containerStatuses":[{"name":"c","state":{"waiting":{"reason":"PodInitializing"}}}]}""");
        Assert.Equal(expected, cells[2]!.GetValue<string>());
    }

    [Fact]
    public void Status_AfterInit_WaitingPodInitializing_ShowsPodInitializing()
    {
        var cells = Pod(
            """{"initContainers":[{"name":"i1"}],"containers":[{"name":"c"}]}""",
            """
            {"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}],
             "containerStatuses":[{"name":"c","state":{"waiting":{"reason":"PodInitializing"}}}]}
            """);
        Assert.Equal("PodInitializing", cells[2]!.GetValue<string>());
    }

    [Fact]
    public void Restarts_WithLastTermination_ShowsAgo_AndWideColumns()
    {
        var cells = Pod(
            """{"nodeName":"node-1","containers":[{"name":"a"},{"name":"b"}],"readinessGates":[{"conditionType":"x/y"}]}""",
            """
            {"phase":"Running","podIP":"10.0.0.7","conditions":[{"type":"Ready","status":"True"},{"type":"x/y","status":"True"}],
              "containerStatuses":[
                {"name":"a","ready":true,"restartCount":3,"state":{"running":{}},"lastState":{"terminated":{"exitCode":1,"finishedAt":"2026-01-01T11:59:48Z"}}},
                {"name":"b","ready":true,"restartCount":0,"state":{"running":{}}}]}
            """);
        Assert.Equal("2/2", cells[1]!.GetValue<string>());
        Assert.Equal("Running", cells[2]!.GetValue<string>());
        Assert.Equal("3 (12s ago)", cells[3]!.GetValue<string>());
        Assert.Equal("10.0.0.7", cells[5]!.GetValue<string>());
        Assert.Equal("node-1", cells[6]!.GetValue<string>());
        Assert.Equal("<none>", cells[7]!.GetValue<string>());
        Assert.Equal("1/1", cells[8]!.GetValue<string>());
    }

    [Fact]
    public void Status_CompletedButOneStillRunning_IsNotReadyOrRunning()
    {
        const string Statuses = """
            [{"name":"a","ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},{"name":"b","ready":true,"state":{"running":{}}}]
            """;
        var notReady = Pod("""{"containers":[{"name":"a"},{"name":"b"}]}""", """{"phase":"Running","containerStatuses":""" + Statuses + "}");
        Assert.Equal("NotReady", notReady[2]!.GetValue<string>());
        var running = Pod("""{"containers":[{"name":"a"},{"name":"b"}]}""", """{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":""" + Statuses + "}");
        Assert.Equal("Running", running[2]!.GetValue<string>());
    }

    [Fact]
    public void Status_DeletionTimestamp_IsTerminatingUnlessTerminal()
    {
        var running = Cells("""{"metadata":{"name":"p","deletionTimestamp":"2026-01-01T12:00:00Z"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Running"}}""");
        Assert.Equal("Terminating", running[2]!.GetValue<string>());
        var done = Cells("""{"metadata":{"name":"p","deletionTimestamp":"2026-01-01T12:00:00Z"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Succeeded"}}""");
        Assert.Equal("Succeeded", done[2]!.GetValue<string>());
        Assert.Equal("<unknown>", done[4]!.GetValue<string>());
    }

    [Fact]
    public void Cells_WrongJsonTypesEverywhere_DoNotThrow()
    {
        var cells = Cells("""{"metadata":{"name":5,"creationTimestamp":"nope"},"spec":{"containers":"x","initContainers":[1,"a"]},"status":{"phase":[],"containerStatuses":[{"restartCount":"x","state":5}]}}""");
        Assert.Equal(9, cells.Count);
    }
}
