using Podvisor.Model.Apps;
using Podvisor.Model.Core;
using Podvisor.Model.Discovery;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Defaulting;

/// <summary>
/// Kubernetes' defaulting (k/k pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go, discovery/v1), applied
/// by the API before validation. Pure: returns new records via <c>with</c>, never mutates its argument; a value the
/// client set is kept. Idempotent: defaulting a defaulted object changes nothing.
/// </summary>
public static class Defaulter
{
    public const long DefaultTerminationGracePeriodSeconds = 30;
    public const string DefaultSchedulerName = "default-scheduler";
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    /// <summary>Defaults any kind this class knows; other objects are returned unchanged.</summary>
    public static IKubernetesObject Default(IKubernetesObject obj) => obj switch
    {
        Pod p => Pod(p),
        Service s => Service(s),
        Deployment d => Deployment(d),
        ReplicaSet r => ReplicaSet(r),
        Namespace n => Namespace(n),
        Endpoints e => Endpoints(e),
        EndpointSlice e => EndpointSlice(e),
        Secret s => Secret(s),
        _ => obj,
    };

    /// <summary>
    /// A pod: the pod spec defaults plus the pod-only ones (enableServiceLinks true, requests copied from limits).
    /// </summary>
    public static Pod Pod(Pod pod)
    {
        var spec = PodSpec(pod.Spec ?? new PodSpec());
        spec = spec with
        {
            EnableServiceLinks = spec.EnableServiceLinks ?? true,
            Containers = [.. spec.Containers.Select(RequestsFromLimits)],
            InitContainers = spec.InitContainers is null ? null : [.. spec.InitContainers.Select(RequestsFromLimits)],
        };
        return pod with { Spec = spec };
    }

    /// <summary>
    /// SetDefaults_PodSpec and the container, probe, handler, port, env and volume defaults; under hostNetwork a
    /// port's hostPort defaults to its containerPort (templates too, so they pass validation). A negative
    /// terminationGracePeriodSeconds is raised to 1 (SPEC.md §1.2.8: older API servers accepted it and the
    /// kubelet never waits less than 1 s), so stored objects carry the grace period that is actually used.
    /// </summary>
    public static PodSpec PodSpec(PodSpec spec)
    {
        var grace = spec.TerminationGracePeriodSeconds switch
        {
            null => DefaultTerminationGracePeriodSeconds,
            < 0 => 1,
            { } g => g,
        };
        var serviceAccount = string.IsNullOrEmpty(spec.ServiceAccountName) ? spec.ServiceAccount : spec.ServiceAccountName;
        var hostNetwork = spec.HostNetwork == true;
        return spec with
        {
            DnsPolicy = string.IsNullOrEmpty(spec.DnsPolicy) ? "ClusterFirst" : spec.DnsPolicy,
            RestartPolicy = string.IsNullOrEmpty(spec.RestartPolicy) ? "Always" : spec.RestartPolicy,
            TerminationGracePeriodSeconds = grace,
            SchedulerName = string.IsNullOrEmpty(spec.SchedulerName) ? DefaultSchedulerName : spec.SchedulerName,
            SecurityContext = spec.SecurityContext ?? new PodSecurityContext(),
            ServiceAccountName = string.IsNullOrEmpty(serviceAccount) ? spec.ServiceAccountName : serviceAccount,
            ServiceAccount = string.IsNullOrEmpty(serviceAccount) ? spec.ServiceAccount : serviceAccount,
            Volumes = spec.Volumes is null ? null : [.. spec.Volumes.Select(Volume)],
            Containers = [.. spec.Containers.Select(c => HostNetworkPorts(Container(c), hostNetwork))],
            InitContainers = spec.InitContainers is null ? null : [.. spec.InitContainers.Select(c => HostNetworkPorts(Container(c), hostNetwork))],
        };
    }

    public static Container Container(Container c) => c with
    {
        TerminationMessagePath = string.IsNullOrEmpty(c.TerminationMessagePath) ? "/dev/termination-log" : c.TerminationMessagePath,
        TerminationMessagePolicy = string.IsNullOrEmpty(c.TerminationMessagePolicy) ? "File" : c.TerminationMessagePolicy,
        ImagePullPolicy = string.IsNullOrEmpty(c.ImagePullPolicy) ? DefaultPullPolicy(c.Image) : c.ImagePullPolicy,
        Ports = c.Ports is null ? null : [.. c.Ports.Select(p => string.IsNullOrEmpty(p.Protocol) ? p with { Protocol = "TCP" } : p)],
        Env = c.Env is null ? null : [.. c.Env.Select(EnvVar)],
        LivenessProbe = Probe(c.LivenessProbe),
        ReadinessProbe = Probe(c.ReadinessProbe),
        StartupProbe = Probe(c.StartupProbe),
        Lifecycle = c.Lifecycle is null ? null : c.Lifecycle with
        {
            PostStart = Handler(c.Lifecycle.PostStart),
            PreStop = Handler(c.Lifecycle.PreStop),
        },
    };

    /// <summary>Always when the tag is "latest" or absent (and no digest), else IfNotPresent (SetDefaults_Container).</summary>
    public static string DefaultPullPolicy(string? image)
    {
        if (string.IsNullOrEmpty(image) || image.Contains('@', StringComparison.Ordinal))
        {
            return "IfNotPresent";
        }

        var name = image[(image.LastIndexOf('/') + 1)..];
        var colon = name.LastIndexOf(':');
        var tag = colon < 0 ? "latest" : name[(colon + 1)..];
        return tag == "latest" ? "Always" : "IfNotPresent";
    }

    /// <summary>
    /// SetDefaults_Probe: 0 or unset timeouts, period and thresholds take 1, 10, 1 and 3. An unset grpc.service is
    /// stored as "" (the API's declared default; kubectl describe dereferences it and panics on a pod without it).
    /// </summary>
    public static Probe? Probe(Probe? probe) => probe is null ? null : probe with
    {
        TimeoutSeconds = probe.TimeoutSeconds is null or 0 ? 1 : probe.TimeoutSeconds,
        PeriodSeconds = probe.PeriodSeconds is null or 0 ? 10 : probe.PeriodSeconds,
        SuccessThreshold = probe.SuccessThreshold is null or 0 ? 1 : probe.SuccessThreshold,
        FailureThreshold = probe.FailureThreshold is null or 0 ? 3 : probe.FailureThreshold,
        HttpGet = HttpGet(probe.HttpGet),
        Grpc = probe.Grpc is { Service: null } grpc ? grpc with { Service = "" } : probe.Grpc,
    };

    private static LifecycleHandler? Handler(LifecycleHandler? handler) =>
        handler is null ? null : handler with { HttpGet = HttpGet(handler.HttpGet) };

    private static HttpGetAction? HttpGet(HttpGetAction? http) => http is null ? null : http with
    {
        Path = string.IsNullOrEmpty(http.Path) ? "/" : http.Path,
        Scheme = string.IsNullOrEmpty(http.Scheme) ? "HTTP" : http.Scheme,
    };

    private static EnvVar EnvVar(EnvVar ev) =>
        ev.ValueFrom?.FieldRef is { } fieldRef && string.IsNullOrEmpty(fieldRef.ApiVersion)
            ? ev with { ValueFrom = ev.ValueFrom with { FieldRef = fieldRef with { ApiVersion = "v1" } } }
            : ev;

    /// <summary>A volume with no source is an emptyDir; secret and configMap modes default to 0644; hostPath type to "".</summary>
    public static Volume Volume(Volume v)
    {
        if (v.SourceKind() is null)
        {
            return v with { EmptyDir = new EmptyDirVolumeSource() };
        }

        const int defaultMode = 420; // 0644
        return v with
        {
            HostPath = v.HostPath is { Type: null } hp ? hp with { Type = "" } : v.HostPath,
            Secret = v.Secret is { DefaultMode: null } s ? s with { DefaultMode = defaultMode } : v.Secret,
            ConfigMap = v.ConfigMap is { DefaultMode: null } cm ? cm with { DefaultMode = defaultMode } : v.ConfigMap,
            DownwardAPI = v.DownwardAPI is { DefaultMode: null } d ? d with { DefaultMode = defaultMode } : v.DownwardAPI,
            Projected = v.Projected is { } p
                ? p with
                {
                    DefaultMode = p.DefaultMode ?? defaultMode,
                    Sources = p.Sources?.Select(source => source.ServiceAccountToken is { ExpirationSeconds: null } token
                        ? source with { ServiceAccountToken = token with { ExpirationSeconds = 3600 } }
                        : source).ToList(),
                }
                : null,
        };
    }

    private static Container HostNetworkPorts(Container c, bool hostNetwork) =>
        hostNetwork && c.Ports is not null
            ? c with { Ports = [.. c.Ports.Select(p => p.HostPort is null or 0 ? p with { HostPort = p.ContainerPortNumber } : p)] }
            : c;

    private static Container RequestsFromLimits(Container c)
    {
        if (c.Resources?.Limits is { Count: > 0 } limits)
        {
            var requests = new Dictionary<string, Quantity>(c.Resources.Requests ?? new Dictionary<string, Quantity>(), StringComparer.Ordinal);
            foreach (var (name, quantity) in limits)
            {
                requests.TryAdd(name, quantity);
            }

            c = c with { Resources = c.Resources with { Requests = requests } };
        }

        return c;
    }

    /// <summary>type ClusterIP, sessionAffinity None, ports TCP with targetPort = port, traffic policies Cluster.</summary>
    public static Service Service(Service service)
    {
        var spec = service.Spec ?? new ServiceSpec();
        var type = string.IsNullOrEmpty(spec.Type) ? "ClusterIP" : spec.Type;
        var external = type is "NodePort" or "LoadBalancer";
        spec = spec with
        {
            Type = type,
            SessionAffinity = string.IsNullOrEmpty(spec.SessionAffinity) ? "None" : spec.SessionAffinity,
            Ports = spec.Ports is null ? null : [.. spec.Ports.Select(p => p with
            {
                Protocol = string.IsNullOrEmpty(p.Protocol) ? "TCP" : p.Protocol,
                TargetPort = p.TargetPort is not { } tp || (tp.IntValue is null or 0 && string.IsNullOrEmpty(tp.StringValue))
                    ? IntOrString.FromInt(p.Port)
                    : p.TargetPort,
            })],
            ExternalTrafficPolicy = external && string.IsNullOrEmpty(spec.ExternalTrafficPolicy) ? "Cluster" : spec.ExternalTrafficPolicy,
            InternalTrafficPolicy = spec.InternalTrafficPolicy ?? (type is "ClusterIP" or "NodePort" or "LoadBalancer" ? "Cluster" : null),
        };
        return service with { Spec = spec };
    }

    /// <summary>replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600, template defaulted.</summary>
    public static Deployment Deployment(Deployment deployment)
    {
        var spec = deployment.Spec ?? new DeploymentSpec();
        var strategy = spec.Strategy ?? new DeploymentStrategy();
        if (string.IsNullOrEmpty(strategy.Type))
        {
            strategy = strategy with { Type = "RollingUpdate" };
        }

        if (strategy.Type == "RollingUpdate")
        {
            var ru = strategy.RollingUpdate ?? new RollingUpdateDeployment();
            strategy = strategy with
            {
                RollingUpdate = ru with
                {
                    MaxUnavailable = ru.MaxUnavailable ?? IntOrString.FromString("25%"),
                    MaxSurge = ru.MaxSurge ?? IntOrString.FromString("25%"),
                },
            };
        }

        spec = spec with
        {
            Replicas = spec.Replicas ?? 1,
            Strategy = strategy,
            RevisionHistoryLimit = spec.RevisionHistoryLimit ?? 10,
            ProgressDeadlineSeconds = spec.ProgressDeadlineSeconds ?? 600,
            Template = Template(spec.Template),
        };
        return deployment with { Spec = spec };
    }

    public static ReplicaSet ReplicaSet(ReplicaSet replicaSet)
    {
        var spec = replicaSet.Spec ?? new ReplicaSetSpec();
        spec = spec with
        {
            Replicas = spec.Replicas ?? 1,
            Template = spec.Template is null ? null : Template(spec.Template),
        };
        return replicaSet with { Spec = spec };
    }

    public static PodTemplateSpec Template(PodTemplateSpec template) =>
        template with { Spec = PodSpec(template.Spec ?? new PodSpec()) };

    /// <summary>status.phase Active and the kubernetes.io/metadata.name label (immutable in Kubernetes, set from the name).</summary>
    public static Namespace Namespace(Namespace ns)
    {
        var meta = ns.Metadata;
        if (!string.IsNullOrEmpty(meta.Name))
        {
            var labels = new Dictionary<string, string>(meta.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                [NamespaceNameLabel] = meta.Name,
            };
            meta = meta with { Labels = labels };
        }

        var status = ns.Status ?? new NamespaceStatus();
        return ns with
        {
            Metadata = meta,
            Status = string.IsNullOrEmpty(status.Phase) ? status with { Phase = "Active" } : status,
        };
    }

    public static Endpoints Endpoints(Endpoints endpoints) => endpoints with
    {
        Subsets = endpoints.Subsets is null ? null : [.. endpoints.Subsets.Select(s => s with
        {
            Ports = s.Ports is null ? null : [.. s.Ports.Select(p => string.IsNullOrEmpty(p.Protocol) ? p with { Protocol = "TCP" } : p)],
        })],
    };

    /// <summary>Each port: protocol TCP and name "" when unset (SetDefaults_EndpointPort).</summary>
    public static EndpointSlice EndpointSlice(EndpointSlice slice) => slice with
    {
        Ports = slice.Ports is null ? null : [.. slice.Ports.Select(p => p with
        {
            Name = p.Name ?? "",
            Protocol = string.IsNullOrEmpty(p.Protocol) ? "TCP" : p.Protocol,
        })],
    };

    public static Secret Secret(Secret secret) =>
        string.IsNullOrEmpty(secret.Type) ? secret with { Type = "Opaque" } : secret;
}
