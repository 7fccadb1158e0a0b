using System.Collections.Frozen;

namespace Podvisor.Api.Endpoints.Protobuf;

internal enum ProtoKind
{
    String,
    Bytes,
    Int32,
    Int64,
    Bool,
    Message,

    /// <summary>An embedded Go struct (<c>json:",inline"</c>): its fields land in the parent JSON object.</summary>
    Inline,

    /// <summary>meta/v1 Time {1 seconds, 2 nanos}, written as RFC 3339 in JSON.</summary>
    Time,

    /// <summary>util/intstr IntOrString {1 type, 2 intVal, 3 strVal}.</summary>
    IntOrString,

    /// <summary>api/resource Quantity {1 string}.</summary>
    Quantity,

    /// <summary>Repeated entry messages {1 key, 2 value}; the value's kind is <see cref="ProtoField.Value"/>.</summary>
    Map,
}

/// <param name="Pointer">
/// A Go pointer field: written only when set, so a present zero value is kept. Value fields are always written by
/// Go's marshaller, so their zero value is omitted as <c>omitempty</c> JSON would.
/// </param>
internal sealed record ProtoField(
    int Number,
    string Name,
    ProtoKind Kind,
    string? Message = null,
    bool Repeated = false,
    bool Pointer = false,
    ProtoKind Value = ProtoKind.String);

internal sealed record ProtoMessage(string Name, FrozenDictionary<int, ProtoField> Fields);

/// <summary>
/// The generated.proto messages of k8s.io/api and apimachinery that kubectl's generators fill
/// (field numbers from the upstream files). Fields not listed are skipped on decode.
/// </summary>
internal static class ProtobufSchema
{
    public const string TimeMessage = "$Time";
    public const string IntOrStringMessage = "$IntOrString";
    public const string QuantityMessage = "$Quantity";

    public static FrozenDictionary<string, ProtoMessage> Messages { get; } = Build();

    /// <summary>Top-level kinds by <c>apiVersion/kind</c>, mapped to their message.</summary>
    public static FrozenDictionary<string, string> Kinds { get; } = new Dictionary<string, string>
    {
        ["v1/Namespace"] = "Namespace",
        ["v1/ConfigMap"] = "ConfigMap",
        ["v1/Secret"] = "Secret",
        ["v1/Service"] = "Service",
        ["v1/Pod"] = "Pod",
        ["apps/v1/Deployment"] = "Deployment",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static FrozenDictionary<string, ProtoMessage> Build()
    {
        var messages = new[]
        {
            // Wire shapes that become JSON scalars or map entries; every field is kept, zero or not.
            M(TimeMessage, I64(1, "seconds", pointer: true), I32(2, "nanos", pointer: true)),
            M(IntOrStringMessage, I64(1, "type", pointer: true), I32(2, "intVal", pointer: true), Str(3, "strVal", pointer: true)),
            M(QuantityMessage, Str(1, "string", pointer: true)),
            M(MapEntry(ProtoKind.String), Str(1, "key", pointer: true), Str(2, "value", pointer: true)),
            M(MapEntry(ProtoKind.Bytes), Str(1, "key", pointer: true), new ProtoField(2, "value", ProtoKind.Bytes, Pointer: true)),
            M(MapEntry(ProtoKind.Quantity), Str(1, "key", pointer: true), Quantity(2, "value", pointer: true)),

            // meta/v1
            M("ObjectMeta",
                Str(1, "name"), Str(2, "generateName"), Str(3, "namespace"), Str(4, "selfLink"), Str(5, "uid"),
                Str(6, "resourceVersion"), I64(7, "generation"), Time(8, "creationTimestamp"), Time(9, "deletionTimestamp"),
                I64(10, "deletionGracePeriodSeconds", pointer: true), Map(11, "labels"), Map(12, "annotations"),
                Msgs(13, "ownerReferences", "OwnerReference"), Strs(14, "finalizers")),
            M("OwnerReference",
                Str(1, "kind"), Str(3, "name"), Str(4, "uid"), Str(5, "apiVersion"),
                Bool(6, "controller", pointer: true), Bool(7, "blockOwnerDeletion", pointer: true)),
            M("LabelSelector", Map(1, "matchLabels"), Msgs(2, "matchExpressions", "LabelSelectorRequirement")),
            M("LabelSelectorRequirement", Str(1, "key"), Str(2, "operator"), Strs(3, "values")),
            M("Condition",
                Str(1, "type"), Str(2, "status"), I64(3, "observedGeneration"), Time(4, "lastTransitionTime"),
                Str(5, "reason"), Str(6, "message")),

            // core/v1 Namespace, ConfigMap, Secret
            M("Namespace", Msg(1, "metadata", "ObjectMeta"), Msg(2, "spec", "NamespaceSpec"), Msg(3, "status", "NamespaceStatus")),
            M("NamespaceSpec", Strs(1, "finalizers")),
            M("NamespaceStatus", Str(1, "phase"), Msgs(2, "conditions", "NamespaceCondition")),
            M("NamespaceCondition",
                Str(1, "type"), Str(2, "status"), Time(4, "lastTransitionTime"), Str(5, "reason"), Str(6, "message")),
            M("ConfigMap",
                Msg(1, "metadata", "ObjectMeta"), Map(2, "data"), Map(3, "binaryData", ProtoKind.Bytes),
                Bool(4, "immutable", pointer: true)),
            M("Secret",
                Msg(1, "metadata", "ObjectMeta"), Map(2, "data", ProtoKind.Bytes), Str(3, "type"), Map(4, "stringData"),
                Bool(5, "immutable", pointer: true)),

            // core/v1 Service
            M("Service", Msg(1, "metadata", "ObjectMeta"), Msg(2, "spec", "ServiceSpec"), Msg(3, "status", "ServiceStatus")),
            M("ServiceSpec",
                Msgs(1, "ports", "ServicePort"), Map(2, "selector"), Str(3, "clusterIP"), Str(4, "type"), Strs(5, "externalIPs"),
                Str(7, "sessionAffinity"), Str(8, "loadBalancerIP"), Strs(9, "loadBalancerSourceRanges"), Str(10, "externalName"),
                Str(11, "externalTrafficPolicy"), I32(12, "healthCheckNodePort"), Bool(13, "publishNotReadyAddresses"),
                Msg(14, "sessionAffinityConfig", "SessionAffinityConfig"), Str(17, "ipFamilyPolicy", pointer: true),
                Strs(18, "clusterIPs"), Strs(19, "ipFamilies"), Bool(20, "allocateLoadBalancerNodePorts", pointer: true),
                Str(21, "loadBalancerClass", pointer: true), Str(22, "internalTrafficPolicy", pointer: true),
                Str(23, "trafficDistribution", pointer: true)),
            M("ServicePort",
                Str(1, "name"), Str(2, "protocol"), I32(3, "port"), IntOrString(4, "targetPort"), I32(5, "nodePort"),
                Str(6, "appProtocol", pointer: true)),
            M("SessionAffinityConfig", Msg(1, "clientIP", "ClientIPConfig")),
            M("ClientIPConfig", I32(1, "timeoutSeconds", pointer: true)),
            M("ServiceStatus", Msg(1, "loadBalancer", "LoadBalancerStatus"), Msgs(2, "conditions", "Condition")),
            M("LoadBalancerStatus", Msgs(1, "ingress", "LoadBalancerIngress")),
            M("LoadBalancerIngress", Str(1, "ip"), Str(2, "hostname"), Str(3, "ipMode", pointer: true), Msgs(4, "ports", "PortStatus")),
            M("PortStatus", I32(1, "port"), Str(2, "protocol"), Str(3, "error", pointer: true)),

            // core/v1 Pod and its spec
            M("Pod", Msg(1, "metadata", "ObjectMeta"), Msg(2, "spec", "PodSpec"), Msg(3, "status", "PodStatus")),
            M("PodStatus",
                Str(1, "phase"), Str(3, "message"), Str(4, "reason"), Str(5, "hostIP"), Str(6, "podIP"), Str(9, "qosClass")),
            M("PodTemplateSpec", Msg(1, "metadata", "ObjectMeta"), Msg(2, "spec", "PodSpec")),
            M("PodSpec",
                Msgs(2, "containers", "Container"), Str(3, "restartPolicy"), I64(4, "terminationGracePeriodSeconds", pointer: true),
                I64(5, "activeDeadlineSeconds", pointer: true), Str(6, "dnsPolicy"), Map(7, "nodeSelector"),
                Str(8, "serviceAccountName"), Str(9, "serviceAccount"), Str(10, "nodeName"), Bool(11, "hostNetwork"),
                Bool(12, "hostPID"), Bool(13, "hostIPC"), Msg(14, "securityContext", "PodSecurityContext"),
                Msgs(15, "imagePullSecrets", "LocalObjectReference"), Str(16, "hostname"), Str(17, "subdomain"),
                Str(19, "schedulerName"), Msgs(20, "initContainers", "Container"),
                Bool(21, "automountServiceAccountToken", pointer: true), Msgs(22, "tolerations", "Toleration"),
                Msgs(23, "hostAliases", "HostAlias"), Str(24, "priorityClassName"), I32(25, "priority", pointer: true),
                Msg(26, "dnsConfig", "PodDNSConfig"), Bool(27, "shareProcessNamespace", pointer: true),
                Msgs(28, "readinessGates", "PodReadinessGate"), Str(29, "runtimeClassName", pointer: true),
                Bool(30, "enableServiceLinks", pointer: true), Str(31, "preemptionPolicy", pointer: true),
                Map(32, "overhead", ProtoKind.Quantity), Bool(35, "setHostnameAsFQDN", pointer: true)),
            M("Container",
                Str(1, "name"), Str(2, "image"), Strs(3, "command"), Strs(4, "args"), Str(5, "workingDir"),
                Msgs(6, "ports", "ContainerPort"), Msgs(7, "env", "EnvVar"), Msg(8, "resources", "ResourceRequirements"),
                Msgs(9, "volumeMounts", "VolumeMount"), Msg(10, "livenessProbe", "Probe"), Msg(11, "readinessProbe", "Probe"),
                Msg(12, "lifecycle", "Lifecycle"), Str(13, "terminationMessagePath"), Str(14, "imagePullPolicy"),
                Msg(15, "securityContext", "SecurityContext"), Bool(16, "stdin"), Bool(17, "stdinOnce"), Bool(18, "tty"),
                Msgs(19, "envFrom", "EnvFromSource"), Str(20, "terminationMessagePolicy"), Msgs(21, "volumeDevices", "VolumeDevice"),
                Msg(22, "startupProbe", "Probe"), Msgs(23, "resizePolicy", "ContainerResizePolicy"),
                Str(24, "restartPolicy", pointer: true)),
            M("ContainerPort", Str(1, "name"), I32(2, "hostPort"), I32(3, "containerPort"), Str(4, "protocol"), Str(5, "hostIP")),
            M("EnvVar", Str(1, "name"), Str(2, "value"), Msg(3, "valueFrom", "EnvVarSource")),
            M("EnvVarSource",
                Msg(1, "fieldRef", "ObjectFieldSelector"), Msg(2, "resourceFieldRef", "ResourceFieldSelector"),
                Msg(3, "configMapKeyRef", "ConfigMapKeySelector"), Msg(4, "secretKeyRef", "SecretKeySelector")),
            M("ObjectFieldSelector", Str(1, "apiVersion"), Str(2, "fieldPath")),
            M("ResourceFieldSelector", Str(1, "containerName"), Str(2, "resource"), Quantity(3, "divisor")),
            M("ConfigMapKeySelector", Inline(1, "LocalObjectReference"), Str(2, "key"), Bool(3, "optional", pointer: true)),
            M("SecretKeySelector", Inline(1, "LocalObjectReference"), Str(2, "key"), Bool(3, "optional", pointer: true)),
            M("LocalObjectReference", Str(1, "name")),
            M("EnvFromSource", Str(1, "prefix"), Msg(2, "configMapRef", "ConfigMapEnvSource"), Msg(3, "secretRef", "SecretEnvSource")),
            M("ConfigMapEnvSource", Inline(1, "LocalObjectReference"), Bool(2, "optional", pointer: true)),
            M("SecretEnvSource", Inline(1, "LocalObjectReference"), Bool(2, "optional", pointer: true)),
            M("ResourceRequirements",
                Map(1, "limits", ProtoKind.Quantity), Map(2, "requests", ProtoKind.Quantity), Msgs(3, "claims", "ResourceClaim")),
            M("ResourceClaim", Str(1, "name"), Str(2, "request")),
            M("ContainerResizePolicy", Str(1, "resourceName"), Str(2, "restartPolicy")),
            M("VolumeMount",
                Str(1, "name"), Bool(2, "readOnly"), Str(3, "mountPath"), Str(4, "subPath"), Str(5, "mountPropagation", pointer: true),
                Str(6, "subPathExpr"), Str(7, "recursiveReadOnly", pointer: true)),
            M("VolumeDevice", Str(1, "name"), Str(2, "devicePath")),
            M("Probe",
                Inline(1, "ProbeHandler"), I32(2, "initialDelaySeconds"), I32(3, "timeoutSeconds"), I32(4, "periodSeconds"),
                I32(5, "successThreshold"), I32(6, "failureThreshold"), I64(7, "terminationGracePeriodSeconds", pointer: true)),
            M("ProbeHandler",
                Msg(1, "exec", "ExecAction"), Msg(2, "httpGet", "HTTPGetAction"), Msg(3, "tcpSocket", "TCPSocketAction"),
                Msg(4, "grpc", "GRPCAction")),
            M("Lifecycle", Msg(1, "postStart", "LifecycleHandler"), Msg(2, "preStop", "LifecycleHandler"), Str(3, "stopSignal", pointer: true)),
            M("LifecycleHandler",
                Msg(1, "exec", "ExecAction"), Msg(2, "httpGet", "HTTPGetAction"), Msg(3, "tcpSocket", "TCPSocketAction"),
                Msg(4, "sleep", "SleepAction")),
            M("ExecAction", Strs(1, "command")),
            M("HTTPGetAction",
                Str(1, "path"), IntOrString(2, "port"), Str(3, "host"), Str(4, "scheme"), Msgs(5, "httpHeaders", "HTTPHeader")),
            M("HTTPHeader", Str(1, "name"), Str(2, "value")),
            M("TCPSocketAction", IntOrString(1, "port"), Str(2, "host")),
            M("GRPCAction", I32(1, "port"), Str(2, "service", pointer: true)),
            M("SleepAction", I64(1, "seconds")),
            M("SecurityContext",
                Msg(1, "capabilities", "Capabilities"), Bool(2, "privileged", pointer: true), Msg(3, "seLinuxOptions", "SELinuxOptions"),
                I64(4, "runAsUser", pointer: true), Bool(5, "runAsNonRoot", pointer: true),
                Bool(6, "readOnlyRootFilesystem", pointer: true), Bool(7, "allowPrivilegeEscalation", pointer: true),
                I64(8, "runAsGroup", pointer: true), Str(9, "procMount", pointer: true), Msg(11, "seccompProfile", "SeccompProfile")),
            M("PodSecurityContext",
                Msg(1, "seLinuxOptions", "SELinuxOptions"), I64(2, "runAsUser", pointer: true), Bool(3, "runAsNonRoot", pointer: true),
                I64s(4, "supplementalGroups"), I64(5, "fsGroup", pointer: true), I64(6, "runAsGroup", pointer: true),
                Msgs(7, "sysctls", "Sysctl"), Str(9, "fsGroupChangePolicy", pointer: true), Msg(10, "seccompProfile", "SeccompProfile")),
            M("Capabilities", Strs(1, "add"), Strs(2, "drop")),
            M("SELinuxOptions", Str(1, "user"), Str(2, "role"), Str(3, "type"), Str(4, "level")),
            M("SeccompProfile", Str(1, "type"), Str(2, "localhostProfile", pointer: true)),
            M("Sysctl", Str(1, "name"), Str(2, "value")),
            M("Toleration", Str(1, "key"), Str(2, "operator"), Str(3, "value"), Str(4, "effect"), I64(5, "tolerationSeconds", pointer: true)),
            M("HostAlias", Str(1, "ip"), Strs(2, "hostnames")),
            M("PodDNSConfig", Strs(1, "nameservers"), Strs(2, "searches"), Msgs(3, "options", "PodDNSConfigOption")),
            M("PodDNSConfigOption", Str(1, "name"), Str(2, "value", pointer: true)),
            M("PodReadinessGate", Str(1, "conditionType")),

            // apps/v1 Deployment
            M("Deployment", Msg(1, "metadata", "ObjectMeta"), Msg(2, "spec", "DeploymentSpec"), Msg(3, "status", "DeploymentStatus")),
            M("DeploymentSpec",
                I32(1, "replicas", pointer: true), Msg(2, "selector", "LabelSelector"), Msg(3, "template", "PodTemplateSpec"),
                Msg(4, "strategy", "DeploymentStrategy"), I32(5, "minReadySeconds"), I32(6, "revisionHistoryLimit", pointer: true),
                Bool(7, "paused"), I32(9, "progressDeadlineSeconds", pointer: true)),
            M("DeploymentStrategy", Str(1, "type"), Msg(2, "rollingUpdate", "RollingUpdateDeployment")),
            M("RollingUpdateDeployment", IntOrString(1, "maxUnavailable", pointer: true), IntOrString(2, "maxSurge", pointer: true)),
            M("DeploymentStatus",
                I64(1, "observedGeneration"), I32(2, "replicas"), I32(3, "updatedReplicas"), I32(4, "availableReplicas"),
                I32(5, "unavailableReplicas"), Msgs(6, "conditions", "DeploymentCondition"), I32(7, "readyReplicas"),
                I32(8, "collisionCount", pointer: true), I32(9, "terminatingReplicas", pointer: true)),
            M("DeploymentCondition",
                Str(1, "type"), Str(2, "status"), Str(4, "reason"), Str(5, "message"), Time(6, "lastUpdateTime"),
                Time(7, "lastTransitionTime")),
        };
        return messages.ToFrozenDictionary(m => m.Name, StringComparer.Ordinal);
    }

    public static string MapEntry(ProtoKind value) => $"$MapEntry.{value}";

    private static ProtoMessage M(string name, params ProtoField[] fields) =>
        new(name, fields.ToFrozenDictionary(f => f.Number));

    private static ProtoField Str(int n, string name, bool pointer = false) => new(n, name, ProtoKind.String, Pointer: pointer);

    private static ProtoField Strs(int n, string name) => new(n, name, ProtoKind.String, Repeated: true);

    private static ProtoField I32(int n, string name, bool pointer = false) => new(n, name, ProtoKind.Int32, Pointer: pointer);

    private static ProtoField I64(int n, string name, bool pointer = false) => new(n, name, ProtoKind.Int64, Pointer: pointer);

    private static ProtoField I64s(int n, string name) => new(n, name, ProtoKind.Int64, Repeated: true);

    private static ProtoField Bool(int n, string name, bool pointer = false) => new(n, name, ProtoKind.Bool, Pointer: pointer);

    private static ProtoField Msg(int n, string name, string message) => new(n, name, ProtoKind.Message, message);

    private static ProtoField Msgs(int n, string name, string message) => new(n, name, ProtoKind.Message, message, Repeated: true);

    private static ProtoField Inline(int n, string message) => new(n, "", ProtoKind.Inline, message);

    private static ProtoField Time(int n, string name) => new(n, name, ProtoKind.Time);

    private static ProtoField IntOrString(int n, string name, bool pointer = false) => new(n, name, ProtoKind.IntOrString, Pointer: pointer);

    private static ProtoField Quantity(int n, string name, bool pointer = false) => new(n, name, ProtoKind.Quantity, Pointer: pointer);

    private static ProtoField Map(int n, string name, ProtoKind value = ProtoKind.String) => new(n, name, ProtoKind.Map, Value: value);
}
