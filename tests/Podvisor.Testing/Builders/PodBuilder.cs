using Podvisor.Model.Core;
using Podvisor.Model.Meta;

namespace Podvisor.Testing.Builders;

/// <summary>Terse pods for tests: <c>PodBuilder.Named("p").Container("app", "sleep 1000").Build()</c>.</summary>
public sealed class PodBuilder
{
    private readonly List<Container> _containers = [];
    private readonly List<Container> _init = [];
    private string _name;
    private string _namespace = "default";
    private string _uid = Guid.NewGuid().ToString();
    private string? _nodeName;
    private string? _restartPolicy;
    private long? _grace;
    private Dictionary<string, string>? _labels;

    private PodBuilder(string name)
    {
        _name = name;
    }

    public static PodBuilder Named(string name) => new(name);

    public PodBuilder InNamespace(string ns)
    {
        _namespace = ns;
        return this;
    }

    public PodBuilder WithUid(string uid)
    {
        _uid = uid;
        return this;
    }

    public PodBuilder OnNode(string node)
    {
        _nodeName = node;
        return this;
    }

    public PodBuilder RestartPolicy(string policy)
    {
        _restartPolicy = policy;
        return this;
    }

    public PodBuilder Grace(long seconds)
    {
        _grace = seconds;
        return this;
    }

    public PodBuilder Label(string key, string value)
    {
        (_labels ??= [])[key] = value;
        return this;
    }

    /// <summary>A busybox container running <c>sh -c script</c>; <paramref name="configure"/> adjusts it.</summary>
    public PodBuilder Container(string name, string script, Func<Container, Container>? configure = null)
    {
        _containers.Add(configure?.Invoke(Shell(name, script)) ?? Shell(name, script));
        return this;
    }

    public PodBuilder Init(string name, string script, Func<Container, Container>? configure = null)
    {
        _init.Add(configure?.Invoke(Shell(name, script)) ?? Shell(name, script));
        return this;
    }

    public PodBuilder Sidecar(string name, string script, Func<Container, Container>? configure = null)
    {
        var c = Shell(name, script) with { RestartPolicy = "Always" };
        _init.Add(configure?.Invoke(c) ?? c);
        return this;
    }

    public Pod Build() => new()
    {
        Metadata = new ObjectMeta
        {
            Name = _name,
            Namespace = _namespace,
            Uid = _uid,
            Labels = _labels,
        },
        Spec = new PodSpec
        {
            NodeName = _nodeName,
            RestartPolicy = _restartPolicy,
            TerminationGracePeriodSeconds = _grace,
            InitContainers = _init.Count == 0 ? null : _init.ToList(),
            Containers = _containers.ToList(),
        },
    };

    public static Container Shell(string name, string script) => new()
    {
        Name = name,
        Image = "busybox",
        Command = ["/bin/sh", "-c", script],
    };

    public static LifecycleHandler Exec(params string[] command) => new() { Exec = new ExecAction { Command = command } };

    public static Probe ExecProbe(string script, int period = 1, int failureThreshold = 1, int timeout = 1, int initialDelay = 0) => new()
    {
        Exec = new ExecAction { Command = ["/bin/sh", "-c", script] },
        PeriodSeconds = period,
        FailureThreshold = failureThreshold,
        TimeoutSeconds = timeout,
        InitialDelaySeconds = initialDelay,
    };
}
