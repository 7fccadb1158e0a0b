using System.Text.Json.Nodes;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Tables;

/// <summary>Services: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE | SELECTOR.</summary>
public sealed class ServiceTable : ITableConverter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Col.Name,
        Col.Str("Type", "type determines how the Service is exposed."),
        Col.Str("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
        Col.Str("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
        Col.Str("Port(s)", "The list of ports that are exposed by this service."),
        Col.Age,
        Col.Str("Selector", "Route service traffic to pods with label keys and values matching this selector.", 1),
    ];

    public JsonNode?[] Cells(JsonObject svc, DateTimeOffset now)
    {
        var type = Json.Str(svc, "spec", "type") ?? "ClusterIP";
        var clusterIp = (Json.Arr(svc, "spec", "clusterIPs") ?? []).Select(n => Json.Str(n)).FirstOrDefault() ?? Json.Str(svc, "spec", "clusterIP");
        var ports = string.Join(',', Json.Objects(svc, "spec", "ports").Select(p =>
        {
            var protocol = Json.Str(p, "protocol") ?? "TCP";
            var port = Json.Long(p, "port") ?? 0;
            return Json.Long(p, "nodePort") is { } np and not 0 ? $"{port}:{np}/{protocol}" : $"{port}/{protocol}";
        }));
        return
        [
            Col.NameOf(svc),
            type,
            Col.OrNone(clusterIp),
            ExternalIp(svc, type),
            ports.Length == 0 ? "<none>" : ports,
            Col.AgeOf(svc, now),
            Json.FormatLabels(Json.Obj(svc, "spec", "selector")),
        ];
    }

    private static string ExternalIp(JsonObject svc, string type)
    {
        var external = (Json.Arr(svc, "spec", "externalIPs") ?? []).Select(n => Json.Str(n)).OfType<string>().ToList();
        switch (type)
        {
            case "ExternalName":
                return Json.Str(svc, "spec", "externalName") ?? "<none>";
            case "LoadBalancer":
                var ingress = Json.Objects(svc, "status", "loadBalancer", "ingress")
                    .Select(i => Json.Str(i, "ip") ?? Json.Str(i, "hostname")).OfType<string>().Concat(external).ToList();
                return ingress.Count == 0 ? "<pending>" : string.Join(',', ingress);
            default:
                return external.Count == 0 ? "<none>" : string.Join(',', external);
        }
    }
}

/// <summary>Endpoints: NAME ENDPOINTS AGE, the first three ip:port pairs then "+ N more...".</summary>
public sealed class EndpointsTable : ITableConverter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Col.Name,
        Col.Str("Endpoints", "Endpoints is the list of endpoints in this service."),
        Col.Age,
    ];

    public JsonNode?[] Cells(JsonObject ep, DateTimeOffset now)
    {
        var all = new List<string>();
        foreach (var subset in Json.Objects(ep, "subsets"))
        {
            var ports = Json.Objects(subset, "ports").Select(p => Json.Long(p, "port")).ToList();
            foreach (var address in Json.Objects(subset, "addresses"))
            {
                var ip = Json.Str(address, "ip") ?? "";
                if (ports.Count == 0)
                {
                    all.Add(ip);
                }
                else
                {
                    all.AddRange(ports.Select(p => $"{ip}:{p}"));
                }
            }
        }

        var text = all.Count == 0 ? "<none>"
            : all.Count <= 3 ? string.Join(',', all)
            : $"{string.Join(',', all.Take(3))} + {all.Count - 3} more...";
        return [Col.NameOf(ep), text, Col.AgeOf(ep, now)];
    }
}
