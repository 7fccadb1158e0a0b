using Podvisor.Model.Apps;
using Podvisor.Model.Core;
using Podvisor.Model.Defaulting;
using Podvisor.Model.Discovery;
using Podvisor.Model.Meta;
using Podvisor.Model.Serialization;

namespace Podvisor.Model.Tests.Defaulting;

public class DefaulterTests
{
    private static Pod MinimalPod(Container? container = null) => new()
    {
        Metadata = new ObjectMeta { Name = "web" },
        Spec = new PodSpec { Containers = [container ?? new Container { Name = "app", Image = "nginx" }] },
    };

    private static Probe ExecProbe => new() { Exec = new ExecAction { Command = ["true"] } };

    [Fact]
    public void Pod_Minimal_PodSpecDefaults()
    {
        var spec = Defaulter.Pod(MinimalPod()).Spec!;

        Assert.Equal("Always", spec.RestartPolicy);
        Assert.Equal(30, spec.TerminationGracePeriodSeconds);
        Assert.Equal("ClusterFirst", spec.DnsPolicy);
        Assert.Equal("default-scheduler", spec.SchedulerName);
        Assert.True(spec.EnableServiceLinks);
        Assert.NotNull(spec.SecurityContext);
    }

    [Fact]
    public void Pod_Minimal_ContainerDefaults()
    {
        var c = Defaulter.Pod(MinimalPod()).Spec!.Containers[0];

        Assert.Equal("/dev/termination-log", c.TerminationMessagePath);
        Assert.Equal("File", c.TerminationMessagePolicy);
        Assert.Equal("Always", c.ImagePullPolicy);
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("nginx:1.25", "IfNotPresent")]
    [InlineData("localhost:5000/team/nginx", "Always")]
    [InlineData("localhost:5000/team/nginx:1.0", "IfNotPresent")]
    [InlineData("localhost:5000/nginx:latest", "Always")]
    [InlineData("nginx@sha256:0123456789abcdef", "IfNotPresent")]
    public void Pod_ImagePullPolicy_FollowsTag(string image, string expected) =>
        Assert.Equal(expected, Defaulter.Pod(MinimalPod(new Container { Name = "app", Image = image })).Spec!.Containers[0].ImagePullPolicy);

    [Fact]
    public void Pod_ValuesSetByClient_AreKept()
    {
        var container = new Container
        {
            Name = "app",
            Image = "nginx",
            ImagePullPolicy = "Never",
            TerminationMessagePath = "/tmp/msg",
            TerminationMessagePolicy = "FallbackToLogsOnError",
            LivenessProbe = ExecProbe with { TimeoutSeconds = 5, PeriodSeconds = 2, SuccessThreshold = 1, FailureThreshold = 7 },
        };
        var pod = MinimalPod(container);
        pod = pod with { Spec = pod.Spec! with { RestartPolicy = "Never", TerminationGracePeriodSeconds = 0, DnsPolicy = "Default", SchedulerName = "mine", EnableServiceLinks = false } };

        var spec = Defaulter.Pod(pod).Spec!;
        var c = spec.Containers[0];

        Assert.Equal(("Never", 0L, "Default", "mine", false), (spec.RestartPolicy, spec.TerminationGracePeriodSeconds!.Value, spec.DnsPolicy, spec.SchedulerName, spec.EnableServiceLinks!.Value));
        Assert.Equal(("Never", "/tmp/msg", "FallbackToLogsOnError"), (c.ImagePullPolicy, c.TerminationMessagePath, c.TerminationMessagePolicy));
        Assert.Equal((5, 2, 1, 7), (c.LivenessProbe!.TimeoutSeconds!.Value, c.LivenessProbe.PeriodSeconds!.Value, c.LivenessProbe.SuccessThreshold!.Value, c.LivenessProbe.FailureThreshold!.Value));
    }

    [Fact]
    public void Pod_NegativeGracePeriod_RaisedToOne() =>
        Assert.Equal(1, Defaulter.Pod(MinimalPod() with { Spec = MinimalPod().Spec! with { TerminationGracePeriodSeconds = -10 } }).Spec!.TerminationGracePeriodSeconds);

    [Fact]
    public void Pod_Probes_TimingAndHttpDefaults()
    {
        var container = new Container
        {
            Name = "app",
            Image = "nginx",
            LivenessProbe = ExecProbe,
            ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Port = 8080 }, TimeoutSeconds = 0, InitialDelaySeconds = 5 },
            StartupProbe = new Probe { TcpSocket = new TcpSocketAction { Port = 8080 } },
        };

        var c = Defaulter.Pod(MinimalPod(container)).Spec!.Containers[0];

        foreach (var probe in new[] { c.LivenessProbe!, c.ReadinessProbe!, c.StartupProbe! })
        {
            Assert.Equal((1, 10, 1, 3), (probe.TimeoutSeconds!.Value, probe.PeriodSeconds!.Value, probe.SuccessThreshold!.Value, probe.FailureThreshold!.Value));
            Assert.Null(probe.TerminationGracePeriodSeconds);
        }

        Assert.Equal(5, c.ReadinessProbe!.InitialDelaySeconds);
        Assert.Null(c.LivenessProbe!.InitialDelaySeconds);
        Assert.Equal(("/", "HTTP"), (c.ReadinessProbe.HttpGet!.Path, c.ReadinessProbe.HttpGet.Scheme));
    }

    [Fact]
    public void Pod_GrpcProbeWithoutService_ServiceDefaultedToEmpty_GivenServiceKept()
    {
        var container = new Container
        {
            Name = "app",
            Image = "nginx",
            ReadinessProbe = new Probe { Grpc = new GrpcAction { Port = 9090 } },
            LivenessProbe = new Probe { Grpc = new GrpcAction { Port = 9090, Service = "liveness" } },
        };

        var c = Defaulter.Pod(MinimalPod(container)).Spec!.Containers[0];

        Assert.Equal("", c.ReadinessProbe!.Grpc!.Service);
        Assert.Equal("liveness", c.LivenessProbe!.Grpc!.Service);
        Assert.Contains("\"service\":\"\"", KubeJson.Serialize(c.ReadinessProbe), StringComparison.Ordinal);
    }

    [Fact]
    public void Pod_LifecycleHttpGet_PathAndSchemeDefaulted()
    {
        var container = new Container
        {
            Name = "app",
            Image = "nginx",
            Lifecycle = new Lifecycle
            {
                PostStart = new LifecycleHandler { HttpGet = new HttpGetAction { Port = 80 } },
                PreStop = new LifecycleHandler { HttpGet = new HttpGetAction { Port = 80, Path = "/drain", Scheme = "HTTPS" } },
            },
        };

        var lifecycle = Defaulter.Pod(MinimalPod(container)).Spec!.Containers[0].Lifecycle!;

        Assert.Equal(("/", "HTTP"), (lifecycle.PostStart!.HttpGet!.Path, lifecycle.PostStart.HttpGet.Scheme));
        Assert.Equal(("/drain", "HTTPS"), (lifecycle.PreStop!.HttpGet!.Path, lifecycle.PreStop.HttpGet.Scheme));
    }

    [Fact]
    public void Pod_PortsAndEnv_ProtocolAndFieldRefApiVersion()
    {
        var container = new Container
        {
            Name = "app",
            Image = "nginx",
            Ports = [new ContainerPort { ContainerPortNumber = 80 }, new ContainerPort { ContainerPortNumber = 53, Protocol = "UDP" }],
            Env = [new EnvVar { Name = "POD", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.name" } } }, new EnvVar { Name = "A", Value = "b" }],
        };

        var c = Defaulter.Pod(MinimalPod(container)).Spec!.Containers[0];

        Assert.Equal(["TCP", "UDP"], c.Ports!.Select(p => p.Protocol!).ToArray());
        Assert.Equal("v1", c.Env![0].ValueFrom!.FieldRef!.ApiVersion);
        Assert.Equal("b", c.Env[1].Value);
    }

    [Fact]
    public void Pod_InitContainers_DefaultedLikeContainers()
    {
        var pod = MinimalPod() with { Spec = MinimalPod().Spec! with { InitContainers = [new Container { Name = "setup", Image = "busybox:1.36", Ports = [new ContainerPort { ContainerPortNumber = 9 }], StartupProbe = ExecProbe }] } };

        var init = Defaulter.Pod(pod).Spec!.InitContainers![0];

        Assert.Equal(("IfNotPresent", "/dev/termination-log", "File", "TCP", 3), (init.ImagePullPolicy, init.TerminationMessagePath, init.TerminationMessagePolicy, init.Ports![0].Protocol, init.StartupProbe!.FailureThreshold!.Value));
    }

    [Fact]
    public void Pod_Volumes_SourceAndModes()
    {
        var pod = MinimalPod() with
        {
            Spec = MinimalPod().Spec! with
            {
                Volumes =
                [
                    new Volume { Name = "scratch" },
                    new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = "cfg" } },
                    new Volume { Name = "sec", Secret = new SecretVolumeSource { SecretName = "s", DefaultMode = 256 } },
                    new Volume { Name = "host", HostPath = new HostPathVolumeSource { Path = "/tmp" } },
                ],
            },
        };

        var volumes = Defaulter.Pod(pod).Spec!.Volumes!;

        Assert.NotNull(volumes[0].EmptyDir);
        Assert.Equal(420, volumes[1].ConfigMap!.DefaultMode);
        Assert.Equal(256, volumes[2].Secret!.DefaultMode);
        Assert.Equal("", volumes[3].HostPath!.Type);
    }

    [Fact]
    public void Pod_LimitsWithoutRequests_RequestsCopiedFromLimits()
    {
        var container = new Container
        {
            Name = "app",
            Image = "nginx",
            Resources = new ResourceRequirements
            {
                Limits = new Dictionary<string, Quantity> { ["cpu"] = "500m", ["memory"] = "128Mi" },
                Requests = new Dictionary<string, Quantity> { ["cpu"] = "100m" },
            },
        };

        var requests = Defaulter.Pod(MinimalPod(container)).Spec!.Containers[0].Resources!.Requests!;

        Assert.Equal(new Quantity("100m"), requests["cpu"]);
        Assert.Equal(new Quantity("128Mi"), requests["memory"]);
    }

    [Fact]
    public void PodSpec_HostNetwork_HostPortFromContainerPort()
    {
        var spec = Defaulter.PodSpec(new PodSpec
        {
            HostNetwork = true,
            Containers = [new Container { Name = "app", Image = "nginx", Ports = [new ContainerPort { ContainerPortNumber = 8080 }, new ContainerPort { ContainerPortNumber = 9090, HostPort = 9090 }] }],
        });

        Assert.Equal([8080, 9090], spec.Containers[0].Ports!.Select(p => p.HostPort!.Value).ToArray());
        Assert.Null(Defaulter.PodSpec(MinimalPod(new Container { Name = "a", Image = "x", Ports = [new ContainerPort { ContainerPortNumber = 80 }] }).Spec!).Containers[0].Ports![0].HostPort);
    }

    [Fact]
    public void Pod_DoesNotMutateInput_AndIsIdempotent()
    {
        var original = MinimalPod(new Container { Name = "app", Image = "nginx", LivenessProbe = ExecProbe });
        var before = KubeJson.Serialize(original);

        var once = Defaulter.Pod(original);
        var twice = Defaulter.Pod(once);

        Assert.Equal(before, KubeJson.Serialize(original));
        Assert.Null(original.Spec!.RestartPolicy);
        Assert.NotEqual(before, KubeJson.Serialize(once));
        Assert.Equal(KubeJson.Serialize(once), KubeJson.Serialize(twice));
    }

    [Fact]
    public void Service_Defaults_TypeAffinityProtocolTargetPort()
    {
        var service = new Service
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new ServiceSpec { Ports = [new ServicePort { Port = 80 }, new ServicePort { Name = "named", Port = 81, TargetPort = "http" }, new ServicePort { Name = "zero", Port = 82, TargetPort = 0, Protocol = "UDP" }] },
        };

        var spec = Defaulter.Service(service).Spec!;

        Assert.Equal(("ClusterIP", "None", "Cluster"), (spec.Type, spec.SessionAffinity, spec.InternalTrafficPolicy));
        Assert.Null(spec.ExternalTrafficPolicy);
        Assert.Equal(["TCP", "TCP", "UDP"], spec.Ports!.Select(p => p.Protocol!).ToArray());
        Assert.Equal(IntOrString.FromInt(80), spec.Ports![0].TargetPort);
        Assert.Equal(IntOrString.FromString("http"), spec.Ports[1].TargetPort);
        Assert.Equal(IntOrString.FromInt(82), spec.Ports[2].TargetPort);
    }

    [Fact]
    public void Service_NodePort_ExternalTrafficPolicyCluster() =>
        Assert.Equal("Cluster", Defaulter.Service(new Service { Spec = new ServiceSpec { Type = "NodePort" } }).Spec!.ExternalTrafficPolicy);

    [Fact]
    public void Deployment_Defaults_ReplicasStrategyHistoryDeadlineAndTemplate()
    {
        var deployment = new Deployment
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new DeploymentSpec { Template = new PodTemplateSpec { Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "nginx:1", LivenessProbe = ExecProbe }] } } },
        };

        var spec = Defaulter.Deployment(deployment).Spec!;

        Assert.Equal((1, 10, 600), (spec.Replicas!.Value, spec.RevisionHistoryLimit!.Value, spec.ProgressDeadlineSeconds!.Value));
        Assert.Equal("RollingUpdate", spec.Strategy!.Type);
        Assert.Equal(IntOrString.FromString("25%"), spec.Strategy.RollingUpdate!.MaxSurge);
        Assert.Equal(IntOrString.FromString("25%"), spec.Strategy.RollingUpdate.MaxUnavailable);
        Assert.Equal(("Always", 30L, "ClusterFirst"), (spec.Template.Spec!.RestartPolicy, spec.Template.Spec.TerminationGracePeriodSeconds!.Value, spec.Template.Spec.DnsPolicy));
        Assert.Equal(("IfNotPresent", 10), (spec.Template.Spec.Containers[0].ImagePullPolicy, spec.Template.Spec.Containers[0].LivenessProbe!.PeriodSeconds!.Value));
        Assert.Null(spec.Template.Spec.EnableServiceLinks);
    }

    [Fact]
    public void Deployment_PartialRollingUpdate_KeepsSetValue()
    {
        var deployment = new Deployment { Spec = new DeploymentSpec { Strategy = new DeploymentStrategy { RollingUpdate = new RollingUpdateDeployment { MaxSurge = 1 } } } };

        var ru = Defaulter.Deployment(deployment).Spec!.Strategy!.RollingUpdate!;

        Assert.Equal(IntOrString.FromInt(1), ru.MaxSurge);
        Assert.Equal(IntOrString.FromString("25%"), ru.MaxUnavailable);
    }

    [Fact]
    public void Deployment_Recreate_NoRollingUpdateAdded()
    {
        var strategy = Defaulter.Deployment(new Deployment { Spec = new DeploymentSpec { Strategy = new DeploymentStrategy { Type = "Recreate" } } }).Spec!.Strategy!;
        Assert.Equal("Recreate", strategy.Type);
        Assert.Null(strategy.RollingUpdate);
    }

    [Fact]
    public void ReplicaSet_Defaults_ReplicasAndTemplate()
    {
        var rs = Defaulter.ReplicaSet(new ReplicaSet { Spec = new ReplicaSetSpec { Template = new PodTemplateSpec { Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "nginx" }] } } } });

        Assert.Equal(1, rs.Spec!.Replicas);
        Assert.Equal("Always", rs.Spec.Template!.Spec!.RestartPolicy);
        Assert.Equal("Always", rs.Spec.Template.Spec.Containers[0].ImagePullPolicy);
    }

    [Fact]
    public void Namespace_Defaults_PhaseActiveAndNameLabel()
    {
        var ns = Defaulter.Namespace(new Namespace { Metadata = new ObjectMeta { Name = "team", Labels = new Dictionary<string, string> { ["env"] = "dev" } } });

        Assert.Equal("Active", ns.Status!.Phase);
        Assert.Equal("team", ns.Metadata.Labels!["kubernetes.io/metadata.name"]);
        Assert.Equal("dev", ns.Metadata.Labels["env"]);
    }

    [Fact]
    public void Namespace_TerminatingPhase_Kept() =>
        Assert.Equal("Terminating", Defaulter.Namespace(new Namespace { Metadata = new ObjectMeta { Name = "x" }, Status = new NamespaceStatus { Phase = "Terminating" } }).Status!.Phase);

    [Fact]
    public void EndpointSlice_Ports_ProtocolTcpAndEmptyName()
    {
        var slice = Defaulter.EndpointSlice(new EndpointSlice { Ports = [new EndpointSlicePort { Port = 80 }, new EndpointSlicePort { Name = "dns", Port = 53, Protocol = "UDP" }] });

        Assert.Equal(["TCP", "UDP"], slice.Ports!.Select(p => p.Protocol!).ToArray());
        Assert.Equal(["", "dns"], slice.Ports!.Select(p => p.Name!).ToArray());
    }

    [Fact]
    public void Endpoints_Ports_ProtocolTcp() =>
        Assert.Equal("TCP", Defaulter.Endpoints(new Endpoints { Subsets = [new EndpointSubset { Ports = [new EndpointPort { Port = 80 }] }] }).Subsets![0].Ports![0].Protocol);

    [Fact]
    public void Default_DispatchesByKind()
    {
        Assert.Equal("Always", ((Pod)Defaulter.Default(MinimalPod())).Spec!.RestartPolicy);
        Assert.Equal("Opaque", ((Secret)Defaulter.Default(new Secret())).Type);
        var configMap = new ConfigMap();
        Assert.Same(configMap, Defaulter.Default(configMap));
    }
}
