using System.Text.Json.Nodes;
using Podvisor.Api.Tables;

namespace Podvisor.Api.Tests.Tables;

public sealed class OtherTablesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static List<string> Cells(ITableConverter table, string json) =>
        table.Cells(JsonNode.Parse(json)!.AsObject(), Now).Select(c => c!.ToString()).ToList();

    [Fact]
    public void Deployment_ReadyUpToDateAvailable_AndWide()
    {
        var cells = Cells(new DeploymentTable(), """
            {"metadata":{"name":"web","creationTimestamp":"2026-01-01T11:57:00Z"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web","b":"x"},"matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]}]},
                     "template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"},{"name":"side","image":"busybox"}]}}},
             "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}
            """);
        Assert.Equal(["web", "2/3", "3", "2", "3m", "nginx,side", "nginx:1.27,busybox", "app=web,b=x,env in (dev,prod)"], cells);
    }

    [Fact]
    public void ReplicaSet_DesiredCurrentReady()
    {
        var cells = Cells(new ReplicaSetTable(), """{"metadata":{"name":"web-abc"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}}},"status":{"replicas":2,"readyReplicas":1}}""");
        Assert.Equal(["web-abc", "2", "2", "1", "<unknown>", "", "", "app=web"], cells);
    }

    [Fact]
    public void Service_TypesPortsAndSelector()
    {
        var cluster = Cells(new ServiceTable(), """{"metadata":{"name":"svc"},"spec":{"type":"ClusterIP","clusterIP":"10.96.0.10","ports":[{"port":80,"protocol":"TCP"},{"port":53,"protocol":"UDP"}],"selector":{"app":"web"}}}""");
        Assert.Equal(["svc", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "<unknown>", "app=web"], cluster);
        var nodePort = Cells(new ServiceTable(), """{"metadata":{"name":"np"},"spec":{"type":"NodePort","clusterIPs":["10.96.0.11"],"ports":[{"port":80,"nodePort":30080}]}}""");
        Assert.Equal("80:30080/TCP", nodePort[4]);
        var lb = Cells(new ServiceTable(), """{"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","ports":[]}}""");
        Assert.Equal("<pending>", lb[3]);
        Assert.Equal("<none>", lb[2]);
    }

    [Fact]
    public void Endpoints_FirstThreeThenMore()
    {
        var cells = Cells(new EndpointsTable(), """
            {"metadata":{"name":"ep"},"subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"ports":[{"port":80},{"port":443}]}]}
            """);
        Assert.Equal("10.0.0.1:80,10.0.0.1:443,10.0.0.2:80 + 1 more...", cells[1]);
        Assert.Equal("<none>", Cells(new EndpointsTable(), """{"metadata":{"name":"ep"}}""")[1]);
    }

    [Fact]
    public void Node_StatusRolesVersion()
    {
        var cells = Cells(new NodeTable(), """
            {"metadata":{"name":"n1","labels":{"node-role.kubernetes.io/control-plane":""}},"spec":{"unschedulable":true},
             "status":{"conditions":[{"type":"Ready","status":"True"}],"nodeInfo":{"kubeletVersion":"v1.32.0-podvisor"}}}
            """);
        Assert.Equal(["n1", "Ready,SchedulingDisabled", "control-plane", "<unknown>", "v1.32.0-podvisor"], cells.Take(5));
    }

    [Fact]
    public void Event_LastSeenTypeReasonObjectMessage()
    {
        var cells = Cells(new EventTable(), """
            {"metadata":{"name":"e"},"type":"Normal","reason":"Pulled","message":"ok ","lastTimestamp":"2026-01-01T11:55:00Z","involvedObject":{"kind":"Pod","name":"web"}}
            """);
        Assert.Equal(["5m", "Normal", "Pulled", "pod/web", "ok"], cells);
    }
}
