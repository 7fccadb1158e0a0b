using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Model.Core;
using Podvisor.Node.Lifecycle;
using Podvisor.Node.PodWorkers;
using Podvisor.Node.Prober;
using Podvisor.Node.Restart;
using Podvisor.Node.Status;
using Podvisor.Node.Tests.Fakes;
using Podvisor.Testing;
using Podvisor.Testing.FakeRuntime;

namespace Podvisor.Node.Tests.PodWorkers;

/// <summary>A pod worker over the fake runtime, fake client and fake clock.</summary>
internal sealed class PodWorkerHarness : IAsyncDisposable
{
    private readonly List<PodWorker> _workers = [];

    public PodWorkerHarness()
    {
        Runtime = new FakeContainerRuntime(Time);
        Status = new StatusManager(Client, Probes, Time, NullLogger<StatusManager>.Instance);
        Context = new PodWorkerContext
        {
            NodeName = "node1",
            Runtime = Runtime,
            Client = Client,
            Events = Events,
            Status = Status,
            Probes = Probes,
            Time = Time,
            Logger = NullLogger.Instance,
            Hooks = new LifecycleHookRunner(Runtime, Events, Time),
            BackOff = new CrashLoopBackOff(Time),
            PodLogDirectory = "/nonexistent/logs",
        };
    }

    public FakeTimeProvider Time { get; } = new();

    public FakeContainerRuntime Runtime { get; }

    public FakeClient Client { get; } = new();

    public RecordingEventRecorder Events { get; } = new();

    public ScriptedProbes Probes { get; } = new();

    public StatusManager Status { get; }

    public PodWorkerContext Context { get; }

    public async Task<(Pod Pod, PodWorker Worker)> StartAsync(Pod pod)
    {
        var created = await Client.Pods.CreateAsync(pod with { Spec = pod.Spec! with { NodeName = "node1" } }, CancellationToken.None);
        var worker = new PodWorker(Context, created);
        _workers.Add(worker);
        worker.Start();
        return (created, worker);
    }

    public PodStatus? StatusOf(Pod pod) => Status.GetStatus(pod.Metadata.Uid!);

    public ContainerStatus? ContainerStatusOf(Pod pod, string name) =>
        StatusOf(pod)?.ContainerStatuses?.FirstOrDefault(c => c.Name == name) ?? StatusOf(pod)?.InitContainerStatuses?.FirstOrDefault(c => c.Name == name);

    public bool Called(string call) => Runtime.Calls.Contains(call);

    public bool CalledPrefix(string prefix) => Runtime.Calls.Any(c => c.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Deletes the pod gracefully in the fake API and hands the marked object to the worker.</summary>
    public async Task<Pod> DeleteAsync(Pod pod, PodWorker worker, long? grace = null)
    {
        var marked = await Client.Pods.DeleteAsync(pod.Metadata.Namespace, pod.Metadata.Name!, new() { GracePeriodSeconds = grace }, CancellationToken.None);
        worker.Update(marked!);
        return marked!;
    }

    /// <summary>Advances fake time in steps until the condition holds (bounded by real time).</summary>
    public async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step, string what, int maxSteps = 1000)
    {
        for (var i = 0; i < maxSteps && !condition(); i++)
        {
            Time.Advance(step);
            await Task.Delay(1);
        }

        await Eventually.TrueAsync(condition, what);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var w in _workers)
        {
            await w.DisposeAsync();
        }
    }
}

/// <summary>Probe results the test sets; updates are delivered straight to the worker under test.</summary>
internal sealed class ScriptedProbes : IPodProbes
{
    private readonly Dictionary<string, bool?> _ready = [];
    private readonly Dictionary<string, bool?> _started = [];
    private readonly Channel<ProbeResultUpdate> _updates = Channel.CreateUnbounded<ProbeResultUpdate>();

    public ChannelReader<ProbeResultUpdate> Updates => _updates.Reader;

    public List<string> Triggered { get; } = [];

    public void AddPod(Pod pod)
    {
    }

    public void RemovePod(string podUid)
    {
    }

    public void TriggerReadiness(string podUid, string containerName)
    {
        lock (Triggered)
        {
            Triggered.Add(containerName);
        }
    }

    public bool? Readiness(string containerId)
    {
        lock (_ready)
        {
            return _ready.GetValueOrDefault(containerId);
        }
    }

    public bool? Startup(string containerId)
    {
        lock (_started)
        {
            return _started.GetValueOrDefault(containerId);
        }
    }

    public void SetReady(string containerId, bool? value)
    {
        lock (_ready)
        {
            _ready[containerId] = value;
        }
    }

    public void SetStarted(string containerId, bool? value)
    {
        lock (_started)
        {
            _started[containerId] = value;
        }
    }
}
