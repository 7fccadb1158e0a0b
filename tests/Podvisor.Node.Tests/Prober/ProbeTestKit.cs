using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Client;
using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Node.Prober;
using Podvisor.Node.Prober.Runners;
using Podvisor.Runtime;
using Podvisor.Testing;

namespace Podvisor.Node.Tests.Prober;

/// <summary>Pods, statuses and fakes for prober tests. Every test builds its own kit (parallel-safe).</summary>
internal sealed class ProbeTestKit
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Start);

    public FakeStatusSource Status { get; } = new();

    public ScriptedRunner Runner { get; } = new();

    public RecordingEvents Events { get; } = new();

    public ProbeResultsCache Results { get; } = new(1024);

    public ProbeWorkerContext Context => new(Status, Runner, Results, Events, Time, new SharedTimers(Time), NullLogger.Instance);

    public static Pod Pod(Container container, string restartPolicy = "Always", Container? sidecar = null, string uid = "uid-1") => new()
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "default", Uid = uid },
        Spec = new PodSpec
        {
            Containers = [container],
            InitContainers = sidecar is null ? null : [sidecar],
            RestartPolicy = restartPolicy,
        },
    };

    public static Container Container(ProbeType type, Probe probe, string name = "app") => type switch
    {
        ProbeType.Startup => new Container { Name = name, StartupProbe = probe },
        ProbeType.Liveness => new Container { Name = name, LivenessProbe = probe },
        _ => new Container { Name = name, ReadinessProbe = probe },
    };

    public static Probe ExecProbe(int failureThreshold = 3, int successThreshold = 1, int periodSeconds = 10, int initialDelaySeconds = 0) => new()
    {
        Exec = new ExecAction { Command = ["true"] },
        FailureThreshold = failureThreshold,
        SuccessThreshold = successThreshold,
        PeriodSeconds = periodSeconds,
        InitialDelaySeconds = initialDelaySeconds,
    };

    public static ContainerStatus Running(string name, string containerId, DateTimeOffset startedAt, bool started = true) => new()
    {
        Name = name,
        ContainerID = containerId,
        Started = started,
        State = new ContainerState { Running = new ContainerStateRunning { StartedAt = startedAt } },
    };

    public static ContainerStatus Terminated(string name, string containerId) => new()
    {
        Name = name,
        ContainerID = containerId,
        Started = false,
        State = new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = 1, Reason = "Error" } },
    };

    /// <summary>A worker for the pod's first container and the given type, its status set to running (started).</summary>
    public ProbeWorker Worker(ProbeType type, Probe probe, bool started = true, string containerId = "process://c1", string restartPolicy = "Always")
    {
        var pod = Pod(Container(type, probe), restartPolicy);
        SetStatus(pod, Running("app", containerId, Time.GetUtcNow(), started));
        return new ProbeWorker(new ProbeKey("uid-1", "app", type), pod, pod.Spec!.Containers[0], isInitContainer: false, probe, Context);
    }

    public void SetStatus(Pod pod, params ContainerStatus[] statuses) =>
        Status.Set(pod, new PodStatus { Phase = "Running", PodIP = "127.0.0.1", ContainerStatuses = statuses });

    /// <summary>Every update published so far, in order.</summary>
    public List<ProbeResultUpdate> DrainUpdates()
    {
        var list = new List<ProbeResultUpdate>();
        while (Results.Updates.TryRead(out var u))
        {
            list.Add(u);
        }

        return list;
    }

    /// <summary>Waits (on a real deadline, never a fixed sleep) until the condition holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("timed out waiting until " + what);
            }

            await Task.Yield();
        }
    }
}

internal sealed class FakeStatusSource : IPodStatusSource
{
    private readonly ConcurrentDictionary<string, PodSnapshot> _snapshots = new();

    public void Set(Pod pod, PodStatus status) => _snapshots[pod.Metadata.Uid!] = new PodSnapshot(pod, status);

    public void Remove(string uid) => _snapshots.TryRemove(uid, out _);

    public PodSnapshot? Get(string uid) => _snapshots.GetValueOrDefault(uid);

    public PodSnapshot? GetSnapshot(string podUid) => _snapshots.GetValueOrDefault(podUid);
}

/// <summary>A runner answering from a script (last answer repeats); each call is also written to <see cref="Calls"/>.</summary>
internal sealed class ScriptedRunner : IProbeRunner
{
    private readonly ConcurrentQueue<ProbeOutcome> _script = new();
    private readonly Channel<(ProbeRequest Request, DateTimeOffset At)> _calls = Channel.CreateUnbounded<(ProbeRequest, DateTimeOffset)>();
    private ProbeOutcome _last = ProbeOutcome.Success();
    private int _count;

    public TimeProvider? Clock { get; set; }

    public int Count => Volatile.Read(ref _count);

    public ChannelReader<(ProbeRequest Request, DateTimeOffset At)> Calls => _calls.Reader;

    public ScriptedRunner Then(params ProbeOutcome[] outcomes)
    {
        foreach (var o in outcomes)
        {
            _script.Enqueue(o);
        }

        return this;
    }

    public ValueTask<ProbeOutcome> RunAsync(ProbeRequest request, CancellationToken ct)
    {
        Interlocked.Increment(ref _count);
        if (_script.TryDequeue(out var next))
        {
            _last = next;
        }

        _calls.Writer.TryWrite((request, Clock?.GetUtcNow() ?? default));
        return ValueTask.FromResult(_last);
    }

    /// <summary>Waits for the next call (bounded by a real 10 s deadline so a broken test fails instead of hanging).</summary>
    public async Task<(ProbeRequest Request, DateTimeOffset At)> NextCallAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _calls.Reader.ReadAsync(cts.Token);
    }
}

internal sealed class RecordingEvents : IEventRecorder
{
    private readonly ConcurrentQueue<(ObjectReference Ref, string Type, string Reason, string Message)> _events = new();

    public IReadOnlyList<(ObjectReference Ref, string Type, string Reason, string Message)> All => _events.ToList();

    public IReadOnlyList<string> Messages => _events.Select(e => $"{e.Type} {e.Reason} {e.Message}").ToList();

    public void Record(ObjectReference involved, string type, string reason, string message) => _events.Enqueue((involved, type, reason, message));
}

/// <summary>Only ExecSync is implemented: answered by <see cref="Exec"/>.</summary>
internal sealed class ExecOnlyRuntime(Func<string, IReadOnlyList<string>, TimeSpan, int, Task<ExecResult>> exec) : IContainerRuntime
{
    public string Name => "process";

    public Task<ExecResult> ExecSyncAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, int maxOutputBytes, CancellationToken ct) =>
        exec(containerId, command, timeout, maxOutputBytes);

    public Task<PodSandbox> RunPodSandboxAsync(PodSandboxConfig config, CancellationToken ct) => throw new NotSupportedException();

    public Task StopPodSandboxAsync(string sandboxId, CancellationToken ct) => throw new NotSupportedException();

    public Task RemovePodSandboxAsync(string sandboxId, CancellationToken ct) => throw new NotSupportedException();

    public Task<string> CreateContainerAsync(string sandboxId, ContainerConfig config, CancellationToken ct) => throw new NotSupportedException();

    public Task StartContainerAsync(string containerId, CancellationToken ct) => throw new NotSupportedException();

    public Task StopContainerAsync(string containerId, TimeSpan timeout, CancellationToken ct) => throw new NotSupportedException();

    public Task RemoveContainerAsync(string containerId, CancellationToken ct) => throw new NotSupportedException();

    public Task<IExecSession> ExecAsync(string containerId, IReadOnlyList<string> command, bool tty, CancellationToken ct) => throw new NotSupportedException();

    public Task<ContainerStatusInfo?> ContainerStatusAsync(string containerId, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<ContainerStatusInfo>> ListContainersAsync(CancellationToken ct) => throw new NotSupportedException();

    public Task<ContainerStatusInfo> WaitContainerExitAsync(string containerId, CancellationToken ct) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
