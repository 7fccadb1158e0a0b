using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Model.Validation;
using static Podvisor.Model.Tests.Validation.Fixtures;

namespace Podvisor.Model.Tests.Validation;

public class PodValidationTests
{
    private const string EnvNameError =
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

    private const string NotForInit = "may not be set for init containers without restartPolicy=Always";

    private static Probe Exec => new() { Exec = new ExecAction { Command = ["true"] }, TimeoutSeconds = 1, PeriodSeconds = 10, SuccessThreshold = 1, FailureThreshold = 3 };

    private static Probe HttpProbe => Exec with { Exec = null, HttpGet = new HttpGetAction { Path = "/", Port = 8080, Scheme = "HTTP" } };

    private static readonly Volume DataVolume = new() { Name = "data", EmptyDir = new EmptyDirVolumeSource() };

    public static TheoryData<string, Func<Pod>, string> Cases => new()
    {
        // containers
        { "no containers", () => WithSpec(s => s with { Containers = [] }), "spec.containers: Required value" },
        { "container name missing", () => WithContainer(c => c with { Name = "" }), "spec.containers[0].name: Required value" },
        { "container name not a label", () => WithContainer(c => c with { Name = "Web_1" }), "spec.containers[0].name: Invalid value: \"Web_1\": " + Dns1123LabelError },
        { "container name duplicate", () => WithSpec(s => s with { Containers = [s.Containers[0] with { Name = "web" }, s.Containers[0] with { Name = "web" }] }), "spec.containers[1].name: Duplicate value: \"web\"" },
        { "init name duplicates container", () => WithSpec(s => s with { InitContainers = [Init("app")] }), "spec.initContainers[0].name: Duplicate value: \"app\"" },
        { "image missing", () => WithContainer(c => c with { Image = null }), "spec.containers[0].image: Required value" },
        { "init image missing", () => WithSpec(s => s with { InitContainers = [Init("setup") with { Image = "" }] }), "spec.initContainers[0].image: Required value" },
        { "imagePullPolicy unsupported", () => WithContainer(c => c with { ImagePullPolicy = "Sometimes" }), "spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"" },
        { "terminationMessagePolicy unsupported", () => WithContainer(c => c with { TerminationMessagePolicy = "Logs" }), "spec.containers[0].terminationMessagePolicy: Unsupported value: \"Logs\": supported values: \"File\", \"FallbackToLogsOnError\"" },

        // ports
        { "containerPort too big", () => WithContainer(c => c with { Ports = [new ContainerPort { ContainerPortNumber = 70000, Protocol = "TCP" }] }), "spec.containers[0].ports[0].containerPort: Invalid value: 70000: " + PortRange },
        { "containerPort missing", () => WithContainer(c => c with { Ports = [new ContainerPort { Protocol = "TCP" }] }), "spec.containers[0].ports[0].containerPort: Required value" },
        { "second port negative", () => WithContainer(c => c with { Ports = [new ContainerPort { ContainerPortNumber = 80, Protocol = "TCP" }, new ContainerPort { ContainerPortNumber = -1, Protocol = "TCP" }] }), "spec.containers[0].ports[1].containerPort: Invalid value: -1: " + PortRange },
        { "hostPort too big", () => WithContainer(c => c with { Ports = [new ContainerPort { ContainerPortNumber = 80, HostPort = 65536, Protocol = "TCP" }] }), "spec.containers[0].ports[0].hostPort: Invalid value: 65536: " + PortRange },
        { "port name too long", () => WithContainer(c => c with { Ports = [new ContainerPort { Name = "abcdefghijklmnop", ContainerPortNumber = 80, Protocol = "TCP" }] }), "spec.containers[0].ports[0].name: Invalid value: \"abcdefghijklmnop\": must be no more than 15 characters" },
        { "port name double hyphen", () => WithContainer(c => c with { Ports = [new ContainerPort { Name = "a--b", ContainerPortNumber = 80, Protocol = "TCP" }] }), "spec.containers[0].ports[0].name: Invalid value: \"a--b\": must not contain consecutive hyphens" },
        { "port name without letter", () => WithContainer(c => c with { Ports = [new ContainerPort { Name = "8080", ContainerPortNumber = 80, Protocol = "TCP" }] }), "spec.containers[0].ports[0].name: Invalid value: \"8080\": must contain at least one letter (a-z)" },
        { "port name uppercase", () => WithContainer(c => c with { Ports = [new ContainerPort { Name = "Http", ContainerPortNumber = 80, Protocol = "TCP" }] }), "spec.containers[0].ports[0].name: Invalid value: \"Http\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)" },
        { "port name trailing hyphen", () => WithContainer(c => c with { Ports = [new ContainerPort { Name = "web-", ContainerPortNumber = 80, Protocol = "TCP" }] }), "spec.containers[0].ports[0].name: Invalid value: \"web-\": must not begin or end with a hyphen" },
        { "port name duplicate", () => WithContainer(c => c with { Ports = [new ContainerPort { Name = "http", ContainerPortNumber = 80, Protocol = "TCP" }, new ContainerPort { Name = "http", ContainerPortNumber = 81, Protocol = "TCP" }] }), "spec.containers[0].ports[1].name: Duplicate value: \"http\"" },
        { "protocol unsupported", () => WithContainer(c => c with { Ports = [new ContainerPort { ContainerPortNumber = 80, Protocol = "HTTP" }] }), "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"" },

        // env
        { "env name starts with digit", () => WithContainer(c => c with { Env = [new EnvVar { Name = "1BAD", Value = "x" }] }), "spec.containers[0].env[0].name: Invalid value: \"1BAD\": " + EnvNameError },
        { "env name dot-dot", () => WithContainer(c => c with { Env = [new EnvVar { Name = "..x", Value = "x" }] }), "spec.containers[0].env[0].name: Invalid value: \"..x\": must not start with '..'" },
        { "env value and valueFrom", () => WithContainer(c => c with { Env = [new EnvVar { Name = "POD", Value = "x", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.name" } } }] }), "spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty" },
        { "valueFrom two sources", () => WithContainer(c => c with { Env = [new EnvVar { Name = "POD", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.name" }, SecretKeyRef = new SecretKeySelector { Name = "s", Key = "k" } } }] }), "spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not have more than one field specified at a time" },
        { "valueFrom empty", () => WithContainer(c => c with { Env = [new EnvVar { Name = "POD", ValueFrom = new EnvVarSource() }] }), "spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`" },
        { "fieldRef path unsupported", () => WithContainer(c => c with { Env = [new EnvVar { Name = "P", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { ApiVersion = "v1", FieldPath = "spec.restartPolicy" } } }] }), "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"spec.restartPolicy\": supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\"" },
        { "fieldRef path unknown", () => WithContainer(c => c with { Env = [new EnvVar { Name = "P", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { ApiVersion = "v1", FieldPath = "spec.foo" } } }] }), "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: \"spec.foo\": error converting fieldPath: field label not supported: spec.foo" },
        { "fieldRef apiVersion missing", () => WithContainer(c => c with { Env = [new EnvVar { Name = "P", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.name" } } }] }), "spec.containers[0].env[0].valueFrom.fieldRef.apiVersion: Required value" },
        { "fieldRef label key invalid", () => WithContainer(c => c with { Env = [new EnvVar { Name = "P", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.labels['bad key']" } } }] }), "spec.containers[0].env[0].valueFrom.fieldRef: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')" },
        { "fieldRef apiVersion unsupported", () => WithContainer(c => c with { Env = [new EnvVar { Name = "P", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { ApiVersion = "v2", FieldPath = "metadata.name" } } }] }), "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: \"metadata.name\": error converting fieldPath: unsupported pod version: v2" },
        { "secretKeyRef key missing", () => WithContainer(c => c with { Env = [new EnvVar { Name = "P", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "s" } } }] }), "spec.containers[0].env[0].valueFrom.secretKeyRef.key: Required value" },

        // volumes and mounts
        { "mount of undeclared volume", () => WithContainer(c => c with { VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }] }), "spec.containers[0].volumeMounts[0].name: Not found: \"data\"" },
        { "mountPath missing", () => WithSpec(s => s with { Volumes = [DataVolume], Containers = [s.Containers[0] with { VolumeMounts = [new VolumeMount { Name = "data" }] }] }), "spec.containers[0].volumeMounts[0].mountPath: Required value" },
        { "mountPath duplicate", () => WithSpec(s => s with { Volumes = [DataVolume], Containers = [s.Containers[0] with { VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }, new VolumeMount { Name = "data", MountPath = "/data" }] }] }), "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/data\": must be unique" },
        { "volume name missing", () => WithSpec(s => s with { Volumes = [DataVolume with { Name = "" }] }), "spec.volumes[0].name: Required value" },
        { "volume name not a label", () => WithSpec(s => s with { Volumes = [DataVolume with { Name = "Data" }] }), "spec.volumes[0].name: Invalid value: \"Data\": " + Dns1123LabelError },
        { "volume name duplicate", () => WithSpec(s => s with { Volumes = [DataVolume, DataVolume] }), "spec.volumes[1].name: Duplicate value: \"data\"" },
        { "volume without source", () => WithSpec(s => s with { Volumes = [new Volume { Name = "data" }] }), "spec.volumes[0]: Required value: must specify a volume type" },
        { "volume with two sources", () => WithSpec(s => s with { Volumes = [DataVolume with { HostPath = new HostPathVolumeSource { Path = "/tmp" } }] }), "spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type" },
        { "pvc claimName missing", () => WithSpec(s => s with { Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource() }] }), "spec.volumes[0].persistentVolumeClaim.claimName: Required value" },
        { "downwardAPI item without ref", () => WithSpec(s => s with { Volumes = [new Volume { Name = "data", DownwardAPI = new DownwardAPIVolumeSource { Items = [new DownwardAPIVolumeFile { Path = "labels" }] } }] }), "spec.volumes[0].downwardAPI.items[0]: Required value: one of fieldRef and resourceFieldRef is required" },
        { "projected token too short", () => WithSpec(s => s with { Volumes = [new Volume { Name = "data", Projected = new ProjectedVolumeSource { Sources = [new VolumeProjection { ServiceAccountToken = new ServiceAccountTokenProjection { Path = "token", ExpirationSeconds = 60 } }] } }] }), "spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes" },
        { "projected source with two types", () => WithSpec(s => s with { Volumes = [new Volume { Name = "data", Projected = new ProjectedVolumeSource { Sources = [new VolumeProjection { ConfigMap = new ConfigMapProjection { Name = "a" }, Secret = new SecretProjection { Name = "b" } }] } }] }), "spec.volumes[0].projected.sources[0]: Forbidden: may not specify more than 1 volume type per source" },
        { "projected with configMap", () => WithSpec(s => s with { Volumes = [DataVolume with { Projected = new ProjectedVolumeSource { Sources = [] } }] }), "spec.volumes[0].projected: Forbidden: may not specify more than 1 volume type" },
        { "hostPath path missing", () => WithSpec(s => s with { Volumes = [new Volume { Name = "h", HostPath = new HostPathVolumeSource() }] }), "spec.volumes[0].hostPath.path: Required value" },
        { "configMap name missing", () => WithSpec(s => s with { Volumes = [new Volume { Name = "c", ConfigMap = new ConfigMapVolumeSource() }] }), "spec.volumes[0].configMap.name: Required value" },
        { "secret name missing", () => WithSpec(s => s with { Volumes = [new Volume { Name = "s", Secret = new SecretVolumeSource() }] }), "spec.volumes[0].secret.secretName: Required value" },

        // probes
        { "probe without handler", () => WithContainer(c => c with { LivenessProbe = Exec with { Exec = null } }), "spec.containers[0].livenessProbe: Required value: must specify a handler type" },
        { "probe with two handlers", () => WithContainer(c => c with { LivenessProbe = Exec with { TcpSocket = new TcpSocketAction { Port = 80 } } }), "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type" },
        { "exec without command", () => WithContainer(c => c with { LivenessProbe = Exec with { Exec = new ExecAction() } }), "spec.containers[0].livenessProbe.exec.command: Required value" },
        { "httpGet port zero", () => WithContainer(c => c with { ReadinessProbe = HttpProbe with { HttpGet = HttpProbe.HttpGet! with { Port = 0 } } }), "spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: " + PortRange },
        { "httpGet named port invalid", () => WithContainer(c => c with { ReadinessProbe = HttpProbe with { HttpGet = HttpProbe.HttpGet! with { Port = "web_port" } } }), "spec.containers[0].readinessProbe.httpGet.port: Invalid value: \"web_port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)" },
        { "httpGet scheme", () => WithContainer(c => c with { ReadinessProbe = HttpProbe with { HttpGet = HttpProbe.HttpGet! with { Scheme = "FTP" } } }), "spec.containers[0].readinessProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\"" },
        { "httpGet header name", () => WithContainer(c => c with { ReadinessProbe = HttpProbe with { HttpGet = HttpProbe.HttpGet! with { HttpHeaders = [new HttpHeader { Name = "X Bad", Value = "1" }] } } }), "spec.containers[0].readinessProbe.httpGet.httpHeaders: Invalid value: \"X Bad\": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')" },
        { "tcpSocket port too big", () => WithContainer(c => c with { LivenessProbe = Exec with { Exec = null, TcpSocket = new TcpSocketAction { Port = 65536 } } }), "spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: 65536: " + PortRange },
        { "grpc port zero", () => WithContainer(c => c with { LivenessProbe = Exec with { Exec = null, Grpc = new GrpcAction() } }), "spec.containers[0].livenessProbe.grpc.port: Invalid value: 0: " + PortRange },
        { "periodSeconds negative", () => WithContainer(c => c with { LivenessProbe = Exec with { PeriodSeconds = -1 } }), "spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0" },
        { "timeoutSeconds negative", () => WithContainer(c => c with { ReadinessProbe = Exec with { TimeoutSeconds = -2 } }), "spec.containers[0].readinessProbe.timeoutSeconds: Invalid value: -2: must be greater than or equal to 0" },
        { "initialDelaySeconds negative", () => WithContainer(c => c with { StartupProbe = Exec with { InitialDelaySeconds = -1 } }), "spec.containers[0].startupProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0" },
        { "failureThreshold negative", () => WithContainer(c => c with { ReadinessProbe = Exec with { FailureThreshold = -3 } }), "spec.containers[0].readinessProbe.failureThreshold: Invalid value: -3: must be greater than or equal to 0" },
        { "liveness successThreshold", () => WithContainer(c => c with { LivenessProbe = Exec with { SuccessThreshold = 2 } }), "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1" },
        { "startup successThreshold", () => WithContainer(c => c with { StartupProbe = Exec with { SuccessThreshold = 3 } }), "spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1" },
        { "readiness terminationGracePeriodSeconds", () => WithContainer(c => c with { ReadinessProbe = Exec with { TerminationGracePeriodSeconds = 5 } }), "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes" },
        { "probe terminationGracePeriodSeconds zero", () => WithContainer(c => c with { LivenessProbe = Exec with { TerminationGracePeriodSeconds = 0 } }), "spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0" },

        // lifecycle
        { "preStop without handler", () => WithContainer(c => c with { Lifecycle = new Lifecycle { PreStop = new LifecycleHandler() } }), "spec.containers[0].lifecycle.preStop: Required value: must specify a handler type" },
        { "preStop two handlers", () => WithContainer(c => c with { Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { Exec = new ExecAction { Command = ["x"] }, HttpGet = new HttpGetAction { Path = "/", Port = 80, Scheme = "HTTP" } } } }), "spec.containers[0].lifecycle.preStop.httpGet: Forbidden: may not specify more than 1 handler type" },
        { "postStart exec without command", () => WithContainer(c => c with { Lifecycle = new Lifecycle { PostStart = new LifecycleHandler { Exec = new ExecAction { Command = [] } } } }), "spec.containers[0].lifecycle.postStart.exec.command: Required value" },
        { "sleep zero", () => WithContainer(c => c with { Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { Sleep = new SleepAction { Seconds = 0 } } } }), "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 0: must be greater than 0 and less than terminationGracePeriodSeconds (30)" },
        { "sleep beyond grace", () => WithContainer(c => c with { Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { Sleep = new SleepAction { Seconds = 31 } } } }), "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 31: must be greater than 0 and less than terminationGracePeriodSeconds (30)" },
        { "sleep beyond custom grace", () => WithSpec(s => s with { TerminationGracePeriodSeconds = 10, Containers = [s.Containers[0] with { Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { Sleep = new SleepAction { Seconds = 11 } } } }] }), "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 11: must be greater than 0 and less than terminationGracePeriodSeconds (10)" },

        // restart policies, init containers, sidecars
        { "restartPolicy unsupported", () => WithSpec(s => s with { RestartPolicy = "Sometimes" }), "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"" },
        { "init restartPolicy not Always", () => WithSpec(s => s with { InitContainers = [Init("setup") with { RestartPolicy = "OnFailure" }] }), "spec.initContainers[0].restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"" },
        { "regular container restartPolicy", () => WithContainer(c => c with { RestartPolicy = "Always" }), "spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers" },
        { "init liveness", () => WithSpec(s => s with { InitContainers = [Init("setup") with { LivenessProbe = Exec }] }), "spec.initContainers[0].livenessProbe: Forbidden: " + NotForInit },
        { "init readiness", () => WithSpec(s => s with { InitContainers = [Init("setup") with { ReadinessProbe = Exec }] }), "spec.initContainers[0].readinessProbe: Forbidden: " + NotForInit },
        { "init startup", () => WithSpec(s => s with { InitContainers = [Init("setup") with { StartupProbe = Exec }] }), "spec.initContainers[0].startupProbe: Forbidden: " + NotForInit },
        { "init lifecycle", () => WithSpec(s => s with { InitContainers = [Init("setup") with { Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { Exec = new ExecAction { Command = ["x"] } } } }] }), "spec.initContainers[0].lifecycle: Forbidden: " + NotForInit },
        { "sidecar liveness successThreshold", () => WithSpec(s => s with { InitContainers = [Sidecar("proxy") with { LivenessProbe = Exec with { SuccessThreshold = 2 } }] }), "spec.initContainers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1" },

        // pod-level fields
        { "terminationGracePeriodSeconds negative", () => WithSpec(s => s with { TerminationGracePeriodSeconds = -5 }), "spec.terminationGracePeriodSeconds: Invalid value: -5: must be greater than or equal to 0" },
        { "activeDeadlineSeconds zero", () => WithSpec(s => s with { ActiveDeadlineSeconds = 0 }), "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive" },
        { "hostNetwork hostPort differs", () => WithSpec(s => s with { HostNetwork = true, Containers = [s.Containers[0] with { Ports = [new ContainerPort { ContainerPortNumber = 80, HostPort = 81, Protocol = "TCP" }] }] }), "spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true" },
        { "dnsPolicy unsupported", () => WithSpec(s => s with { DnsPolicy = "Foo" }), "spec.dnsPolicy: Unsupported value: \"Foo\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"" },
        { "nodeSelector value", () => WithSpec(s => s with { NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd!" } }), "spec.nodeSelector: Invalid value: \"ssd!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')" },
        { "hostname not a label", () => WithSpec(s => s with { Hostname = "my.host" }), "spec.hostname: Invalid value: \"my.host\": must not contain dots" },
        { "toleration operator", () => WithSpec(s => s with { Tolerations = [new Toleration { Key = "k", Operator = "Maybe" }] }), "spec.tolerations[0].operator: Unsupported value: \"Maybe\": supported values: \"Equal\", \"Exists\"" },
        { "toleration seconds without NoExecute", () => WithSpec(s => s with { Tolerations = [new Toleration { Key = "k", Operator = "Exists", Effect = "NoSchedule", TolerationSeconds = 5 }] }), "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValidatePod_OneMistake_ReportsExactlyThatError(string rule, Func<Pod> pod, string expected)
    {
        _ = rule;
        Single(Validator.ValidatePod(pod()), expected);
    }

    [Fact]
    public void ValidatePod_DefaultedFixture_IsValid() => Assert.Empty(Validator.ValidatePod(Pod()));

    [Fact]
    public void ValidatePod_FullFeaturedValidPod_HasNoErrors()
    {
        var pod = WithSpec(s => s with
        {
            Volumes = [DataVolume, new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = "cfg", DefaultMode = 420 } }],
            InitContainers = [Init("setup"), Sidecar("proxy") with { ReadinessProbe = HttpProbe, Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { Sleep = new SleepAction { Seconds = 5 } } } }],
            Tolerations = [new Toleration { Key = "node.kubernetes.io/not-ready", Operator = "Exists", Effect = "NoExecute", TolerationSeconds = 300 }],
            Containers =
            [
                s.Containers[0] with
                {
                    Ports = [new ContainerPort { Name = "http", ContainerPortNumber = 8080, Protocol = "TCP" }, new ContainerPort { Name = "metrics", ContainerPortNumber = 9090, Protocol = "UDP" }],
                    Env =
                    [
                        new EnvVar { Name = "MODE", Value = "prod" },
                        new EnvVar { Name = "POD_NAME", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.name" } } },
                        new EnvVar { Name = "APP", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.labels['app']" } } },
                        new EnvVar { Name = "IPS", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { ApiVersion = "v1", FieldPath = "status.podIPs" } } },
                    ],
                    VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }, new VolumeMount { Name = "cfg", MountPath = "/etc/cfg" }],
                    LivenessProbe = Exec with { Exec = null, HttpGet = new HttpGetAction { Path = "/healthz", Port = "http", Scheme = "HTTPS", HttpHeaders = [new HttpHeader { Name = "X-Probe", Value = "1" }] }, TerminationGracePeriodSeconds = 60 },
                    ReadinessProbe = Exec with { Exec = null, TcpSocket = new TcpSocketAction { Port = 8080 } },
                    StartupProbe = Exec with { Exec = null, Grpc = new GrpcAction { Port = 9000 } },
                    Lifecycle = new Lifecycle
                    {
                        PostStart = new LifecycleHandler { Exec = new ExecAction { Command = ["echo", "hi"] } },
                        PreStop = new LifecycleHandler { TcpSocket = new TcpSocketAction { Port = 8080 } },
                    },
                },
            ],
        });

        Assert.Empty(Messages(Validator.ValidatePod(pod)));
    }

    [Fact]
    public void ValidatePod_FiveMistakes_ReportsFiveErrorsInKubernetesOrder()
    {
        var pod = Pod() with { Metadata = new ObjectMeta { Name = "Bad_Name", Namespace = "default" } };
        pod = pod with
        {
            Spec = pod.Spec! with
            {
                RestartPolicy = "Sometimes",
                Containers =
                [
                    pod.Spec.Containers[0] with
                    {
                        Image = "",
                        Ports = [new ContainerPort { ContainerPortNumber = 70000, Protocol = "TCP" }],
                        LivenessProbe = Exec with { SuccessThreshold = 2 },
                    },
                ],
            },
        };

        var errors = Validator.ValidatePod(pod);

        Assert.Equal(
            [
                "metadata.name: Invalid value: \"Bad_Name\": " + Dns1123SubdomainError,
                "spec.containers[0].image: Required value",
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: " + PortRange,
                "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
                "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
            ],
            Messages(errors));
        Assert.Equal(
            "Pod \"Bad_Name\" is invalid: [" + string.Join(", ", Messages(errors)) + "]",
            ValidationErrors.Summary("Pod", "Bad_Name", errors));
    }

    [Fact]
    public void ValidatePod_FiveMistakesInYamlManifest_ReportsFiveErrors()
    {
        const string yaml = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels:
                app: "-web"
            spec:
              restartPolicy: Sometimes
              containers:
              - name: web
                image: nginx
                ports:
                - containerPort: 80
                - containerPort: 70000
                volumeMounts:
                - name: data
                  mountPath: /data
              - name: web
                image: busybox
                readinessProbe:
                  exec:
                    command: ["true"]
                  terminationGracePeriodSeconds: 5
            """;
        var document = Assert.Single(Podvisor.Model.Serialization.ManifestReader.Read(yaml));
        var pod = Podvisor.Model.Defaulting.Defaulter.Pod(Podvisor.Model.Serialization.KubeJson.FromNode<Pod>(document));

        var errors = Validator.ValidatePod(pod);

        Assert.Equal(
            [
                "metadata.labels: Invalid value: \"-web\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
                "spec.containers[0].ports[1].containerPort: Invalid value: 70000: " + PortRange,
                "spec.containers[0].volumeMounts[0].name: Not found: \"data\"",
                "spec.containers[1].name: Duplicate value: \"web\"",
                "spec.containers[1].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes",
                "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
            ],
            Messages(errors));
    }

    [Fact]
    public void ValidatePod_EmptyEnvName_ReportsRequiredAndInvalid() =>
        Assert.Equal(
            ["spec.containers[0].env[0].name: Required value", "spec.containers[0].env[0].name: Invalid value: \"\": " + EnvNameError],
            Messages(Validator.ValidatePod(WithContainer(c => c with { Env = [new EnvVar { Name = "", Value = "x" }] }))));

    [Fact]
    public void ValidatePod_InvalidVolume_MountsOfItAreNotFound()
    {
        var pod = WithSpec(s => s with
        {
            Volumes = [new Volume { Name = "data" }],
            Containers = [s.Containers[0] with { VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }] }],
        });

        Assert.Equal(
            ["spec.volumes[0]: Required value: must specify a volume type", "spec.containers[0].volumeMounts[0].name: Not found: \"data\""],
            Messages(Validator.ValidatePod(pod)));
    }
}
