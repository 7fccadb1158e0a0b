using Podvisor.Model.Core;
using Podvisor.Model.Discovery;
using Podvisor.Model.Meta;
using Podvisor.Model.Validation;
using static Podvisor.Model.Tests.Validation.Fixtures;

namespace Podvisor.Model.Tests.Validation;

public class ClusterValidationTests
{
    private static readonly ObjectMeta Meta = new() { Name = "web", Namespace = "default" };

    [Fact]
    public void ValidateConfigMap_BadKey_Invalid() =>
        Single(Validator.ValidateConfigMap(new ConfigMap { Metadata = Meta, Data = new Dictionary<string, string> { ["bad key"] = "v", ["good.key"] = "v" } }),
            "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");

    [Fact]
    public void ValidateConfigMap_KeyInDataAndBinaryData_Invalid() =>
        Single(Validator.ValidateConfigMap(new ConfigMap { Metadata = Meta, Data = new Dictionary<string, string> { ["k"] = "v" }, BinaryData = new Dictionary<string, byte[]> { ["k"] = [1] } }),
            "data[k]: Invalid value: \"k\": duplicate of key present in binaryData");

    [Fact]
    public void ValidateConfigMap_OverOneMebibyte_TooLong() =>
        Single(Validator.ValidateConfigMap(new ConfigMap { Metadata = Meta, Data = new Dictionary<string, string> { ["k"] = new string('x', (1024 * 1024) + 1) } }),
            ": Too long: may not be more than 1048576 bytes");

    [Fact]
    public void ValidateConfigMap_NameInvalid_Invalid() =>
        Single(Validator.ValidateConfigMap(new ConfigMap { Metadata = new ObjectMeta { Name = "Cfg" } }), "metadata.name: Invalid value: \"Cfg\": " + Dns1123SubdomainError);

    [Fact]
    public void ValidateSecret_TlsWithoutKeys_BothRequired() =>
        Assert.Equal(["data[tls.crt]: Required value", "data[tls.key]: Required value"],
            Messages(Validator.ValidateSecret(new Secret { Metadata = Meta, Type = "kubernetes.io/tls" })));

    [Fact]
    public void ValidateSecret_StringDataKeyInvalid_ReportedUnderData() =>
        Single(Validator.ValidateSecret(new Secret { Metadata = Meta, Type = "Opaque", StringData = new Dictionary<string, string> { ["a/b"] = "x" } }),
            "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");

    [Fact]
    public void ValidateSecret_Valid_NoErrors() =>
        Assert.Empty(Validator.ValidateSecret(new Secret { Metadata = Meta, Type = "Opaque", Data = new Dictionary<string, byte[]> { ["password"] = [1, 2] } }));

    [Fact]
    public void ValidateEndpoints_SubsetWithoutAddresses_Required() =>
        Single(Validator.ValidateEndpoints(new Endpoints { Metadata = Meta, Subsets = [new EndpointSubset { Ports = [new EndpointPort { Port = 80, Protocol = "TCP" }] }] }),
            "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`");

    [Fact]
    public void ValidateEndpoints_BadIpAndPort_BothReported() =>
        Assert.Equal(
            ["subsets[0].addresses[0].ip: Invalid value: \"1.2.3\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)", "subsets[0].ports[0].port: Invalid value: 0: " + PortRange],
            Messages(Validator.ValidateEndpoints(new Endpoints { Metadata = Meta, Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "1.2.3" }], Ports = [new EndpointPort { Protocol = "TCP" }] }] })));

    [Fact]
    public void ValidateEndpoints_Valid_NoErrors() =>
        Assert.Empty(Validator.ValidateEndpoints(new Endpoints { Metadata = Meta, Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "10.88.0.5", NodeName = "node-1" }], NotReadyAddresses = [new EndpointAddress { Ip = "127.0.0.1" }], Ports = [new EndpointPort { Name = "http", Port = 80, Protocol = "TCP" }, new EndpointPort { Name = "dns", Port = 53, Protocol = "UDP" }] }] }));

    [Fact]
    public void ValidateEndpointSlice_Mistakes_AllReported()
    {
        var slice = new EndpointSlice
        {
            Metadata = Meta,
            AddressType = "IPv4",
            Endpoints = [new Endpoint(), new Endpoint { Addresses = ["::1"] }],
            Ports = [new EndpointSlicePort { Name = "http", Port = 80 }, new EndpointSlicePort { Name = "http", Port = 81, Protocol = "TCP" }],
        };

        Assert.Equal(
            [
                "endpoints[0].addresses: Required value: must contain at least 1 address",
                "endpoints[1].addresses[0]: Invalid value: \"::1\": must be a valid IPv4 address",
                "ports[0].protocol: Required value",
                "ports[1].name: Duplicate value: \"http\"",
            ],
            Messages(Validator.ValidateEndpointSlice(slice)));
    }

    [Fact]
    public void ValidateEndpointSlice_AddressTypeUnsupported() =>
        Single(Validator.ValidateEndpointSlice(new EndpointSlice { Metadata = Meta, AddressType = "IPv5" }),
            "addressType: Unsupported value: \"IPv5\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"");

    [Fact]
    public void ValidateEndpointSlice_Valid_NoErrors() =>
        Assert.Empty(Validator.ValidateEndpointSlice(new EndpointSlice
        {
            Metadata = Meta,
            Endpoints = [new Endpoint { Addresses = ["10.88.0.7"], NodeName = "node-1", Conditions = new EndpointConditions { Ready = true } }],
            Ports = [new EndpointSlicePort { Name = "", Port = 80, Protocol = "TCP" }],
        }));

    [Fact]
    public void ValidateEvent_TypeUnsupported() =>
        Single(Validator.ValidateEvent(new Event { Metadata = Meta with { Name = "web.1" }, Type = "Info" }),
            "type: Unsupported value: \"Info\": supported values: \"Normal\", \"Warning\"");

    [Fact]
    public void ValidateEvent_InvolvedObjectInOtherNamespace_Invalid() =>
        Single(Validator.ValidateEvent(new Event { Metadata = Meta with { Name = "web.1" }, Type = "Normal", InvolvedObject = new ObjectReference { Kind = "Pod", Name = "web", Namespace = "other" } }),
            "involvedObject.namespace: Invalid value: \"other\": does not match event.namespace");

    [Fact]
    public void ValidateNode_TaintEffectUnsupported() =>
        Single(Validator.ValidateNode(new Node { Metadata = new ObjectMeta { Name = "node-1" }, Spec = new NodeSpec { Taints = [new Taint { Key = "dedicated", Value = "gpu", Effect = "Sometimes" }] } }),
            "spec.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"");

    [Fact]
    public void ValidateNode_NameInvalid() =>
        Single(Validator.ValidateNode(new Node { Metadata = new ObjectMeta { Name = "Node_1" } }), "metadata.name: Invalid value: \"Node_1\": " + Dns1123SubdomainError);

    [Fact]
    public void ValidateNode_Valid_NoErrors() =>
        Assert.Empty(Validator.ValidateNode(new Node { Metadata = new ObjectMeta { Name = "node-1.example.com" }, Spec = new NodeSpec { PodCIDRs = ["10.88.0.0/16"], Taints = [new Taint { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" }] } }));

    [Fact]
    public void Validate_DispatchesByKindForCreateAndUpdate()
    {
        var pod = Pod();
        Single(Validator.Validate(pod with { Spec = pod.Spec! with { Containers = [] } }), "spec.containers: Required value");
        Single(Validator.Validate(pod with { Spec = pod.Spec! with { RestartPolicy = "Never" } }, pod).Select(e => e with { Detail = "" }).ToList(), "spec: Forbidden");

        var cm = new ConfigMap { Metadata = Meta with { Uid = "1" } };
        Single(Validator.Validate(cm with { Metadata = cm.Metadata with { Name = "other" } }, cm), "metadata.name: Invalid value: \"other\": field is immutable");
        Assert.Empty(Validator.Validate(cm with { Data = new Dictionary<string, string> { ["k"] = "v" } }, cm));
        Assert.Empty(Validator.Validate(new Podvisor.Model.Apps.Scale()));
    }
}
