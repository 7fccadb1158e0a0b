using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Model.Validation;
using static Podvisor.Model.Tests.Validation.Fixtures;

namespace Podvisor.Model.Tests.Validation;

public class ServiceValidationTests
{
    private static Service WithSpec(Func<ServiceSpec, ServiceSpec> change)
    {
        var s = Service();
        return s with { Spec = change(s.Spec!) };
    }

    private static ServicePort Port(string? name, int port, IntOrString? target = null) =>
        new() { Name = name, Port = port, Protocol = "TCP", TargetPort = target ?? port };

    public static TheoryData<string, Func<Service>, string> Cases => new()
    {
        { "name starts with digit", () => Service() with { Metadata = new ObjectMeta { Name = "1web" } }, "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')" },
        { "name with dot", () => Service() with { Metadata = new ObjectMeta { Name = "my.svc" } }, "metadata.name: Invalid value: \"my.svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')" },
        { "no ports", () => WithSpec(s => s with { Ports = [] }), "spec.ports: Required value" },
        { "port zero", () => WithSpec(s => s with { Ports = [Port(null, 0, 80)] }), "spec.ports[0].port: Invalid value: 0: " + PortRange },
        { "port too big", () => WithSpec(s => s with { Ports = [Port(null, 65536, 80)] }), "spec.ports[0].port: Invalid value: 65536: " + PortRange },
        { "second port unnamed", () => WithSpec(s => s with { Ports = [Port("http", 80), Port(null, 81)] }), "spec.ports[1].name: Required value" },
        { "port names duplicate", () => WithSpec(s => s with { Ports = [Port("http", 80), Port("http", 81)] }), "spec.ports[1].name: Duplicate value: \"http\"" },
        { "port name not a label", () => WithSpec(s => s with { Ports = [Port("Http", 80)] }), "spec.ports[0].name: Invalid value: \"Http\": " + Dns1123LabelError },
        { "targetPort named invalid", () => WithSpec(s => s with { Ports = [Port(null, 80, "Bad_Name")] }), "spec.ports[0].targetPort: Invalid value: \"Bad_Name\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)" },
        { "targetPort too big", () => WithSpec(s => s with { Ports = [Port(null, 80, 70000)] }), "spec.ports[0].targetPort: Invalid value: 70000: " + PortRange },
        { "protocol unsupported", () => WithSpec(s => s with { Ports = [Port(null, 80) with { Protocol = "ICMP" }] }), "spec.ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"" },
        { "type unsupported", () => WithSpec(s => s with { Type = "Internal" }), "spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"" },
        { "sessionAffinity unsupported", () => WithSpec(s => s with { SessionAffinity = "Sticky" }), "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"" },
        { "selector value invalid", () => WithSpec(s => s with { Selector = new Dictionary<string, string> { ["app"] = "-x" } }), "spec.selector: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')" },
        { "nodePort on ClusterIP", () => WithSpec(s => s with { Ports = [Port(null, 80) with { NodePort = 30080 }] }), "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" },
        { "duplicate port and protocol", () => WithSpec(s => s with { Ports = [Port("a", 80), Port("b", 80)] }), "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}" },
        { "ExternalName without name", () => WithSpec(s => s with { Type = "ExternalName", Ports = [] }), "spec.externalName: Required value" },
        { "clusterIP not an IP", () => WithSpec(s => s with { ClusterIP = "10.0.0" }), "spec.clusterIP: Invalid value: \"10.0.0\": must be empty, 'None', or a valid IP address" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValidateService_OneMistake_ReportsExactError(string rule, Func<Service> service, string expected)
    {
        _ = rule;
        Single(Validator.ValidateService(service()), expected);
    }

    [Fact]
    public void ValidateService_Defaulted_IsValid() => Assert.Empty(Validator.ValidateService(Service()));

    [Fact]
    public void ValidateService_HeadlessWithoutPorts_IsValid() =>
        Assert.Empty(Validator.ValidateService(WithSpec(s => s with { ClusterIP = "None", Ports = [] })));

    [Fact]
    public void ValidateService_ExternalName_IsValid() =>
        Assert.Empty(Validator.ValidateService(WithSpec(s => s with { Type = "ExternalName", ExternalName = "db.example.com.", Ports = [] })));

    [Fact]
    public void ValidateService_NamedPortsAndNamedTarget_IsValid() =>
        Assert.Empty(Validator.ValidateService(WithSpec(s => s with { Ports = [Port("http", 80, "web"), Port("metrics", 9090) with { Protocol = "UDP" }] })));
}
