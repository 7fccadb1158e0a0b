using System.Collections.Concurrent;
using Podvisor.Runtime;

namespace Podvisor.Testing.FakeRuntime;

/// <summary>
/// An in-memory <see cref="IContainerRuntime"/> whose containers run until the test says otherwise: they exit on
/// <see cref="Exit"/>, on the stop signal if <see cref="FakeContainer.ExitOnStopSignal"/>, else when the stop timeout
/// elapses on the given <see cref="TimeProvider"/> (SIGKILL, 137). Exec commands are answered by <see cref="ExecHandler"/>.
/// Every call is recorded in <see cref="Calls"/> in order, e.g. "create app", "start app", "exec app poststart".
/// </summary>
public sealed class FakeContainerRuntime(TimeProvider time) : IContainerRuntime
{
    private readonly ConcurrentDictionary<string, FakeContainer> _containers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _calls = new();
    private int _nextId;

    public string Name => "fake";

    /// <summary>Answers ExecSync; default exit 0 with no output. May await (e.g. a gate the test opens).</summary>
    public Func<FakeContainer, IReadOnlyList<string>, CancellationToken, Task<ExecResult>> ExecHandler { get; set; } =
        (_, _, _) => Task.FromResult(new ExecResult(0, "", false));

    /// <summary>Whether a new container exits when it receives the stop signal (default) or ignores it.</summary>
    public bool ExitOnStopSignalByDefault { get; set; } = true;

    public IReadOnlyList<string> Calls => _calls.ToList();

    /// <summary>Every sandbox config asked for, in order.</summary>
    public ConcurrentQueue<PodSandboxConfig> Sandboxes { get; } = new();

    public IReadOnlyCollection<FakeContainer> Containers => _containers.Values.OrderBy(c => c.Sequence).ToList();

    public FakeContainer? Latest(string name) => Containers.LastOrDefault(c => c.Name == name);

    public Task<PodSandbox> RunPodSandboxAsync(PodSandboxConfig config, CancellationToken ct)
    {
        _calls.Enqueue($"sandbox {config.PodName}");
        Sandboxes.Enqueue(config);
        return Task.FromResult(new PodSandbox("sandbox-" + config.PodUid, "127.0.0.1", "127.0.0.1"));
    }

    public Task StopPodSandboxAsync(string sandboxId, CancellationToken ct)
    {
        foreach (var c in _containers.Values.Where(c => c.SandboxId == sandboxId))
        {
            c.Finish(137, "Error");
        }

        return Task.CompletedTask;
    }

    public Task RemovePodSandboxAsync(string sandboxId, CancellationToken ct)
    {
        foreach (var c in _containers.Values.Where(c => c.SandboxId == sandboxId).ToList())
        {
            _containers.TryRemove(c.Id, out _);
        }

        return Task.CompletedTask;
    }

    public Task<string> CreateContainerAsync(string sandboxId, ContainerConfig config, CancellationToken ct)
    {
        var seq = Interlocked.Increment(ref _nextId);
        var c = new FakeContainer(this, $"c{seq}", seq, sandboxId, config, time) { ExitOnStopSignal = ExitOnStopSignalByDefault };
        _containers[c.Id] = c;
        _calls.Enqueue($"create {config.Name}");
        return Task.FromResult(c.Id);
    }

    public Task StartContainerAsync(string containerId, CancellationToken ct)
    {
        var c = Get(containerId);
        c.State = ContainerRunState.Running;
        c.StartedAt = time.GetUtcNow();
        _calls.Enqueue($"start {c.Name}");
        return Task.CompletedTask;
    }

    public async Task StopContainerAsync(string containerId, TimeSpan timeout, CancellationToken ct)
    {
        var c = Get(containerId);
        _calls.Enqueue($"stop {c.Name} {timeout.TotalSeconds:0}");
        c.StopTimeouts.Add(timeout);
        if (c.State != ContainerRunState.Running)
        {
            c.Finish(0, "Completed");
            return;
        }

        if (c.ExitOnStopSignal)
        {
            c.Finish(143, "Error");
            return;
        }

        try
        {
            await c.Exited.Task.WaitAsync(timeout, time, ct);
        }
        catch (TimeoutException)
        {
            c.Finish(137, "Error");
        }
    }

    public Task RemoveContainerAsync(string containerId, CancellationToken ct)
    {
        _containers.TryRemove(containerId, out _);
        return Task.CompletedTask;
    }

    public async Task<ExecResult> ExecSyncAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, int maxOutputBytes, CancellationToken ct)
    {
        var c = Get(containerId);
        _calls.Enqueue($"exec {c.Name} {string.Join(' ', command)}");
        return await ExecHandler(c, command, ct);
    }

    public Task<IExecSession> ExecAsync(string containerId, IReadOnlyList<string> command, bool tty, CancellationToken ct) =>
        throw new NotSupportedException();

    public Task<ContainerStatusInfo?> ContainerStatusAsync(string containerId, CancellationToken ct) =>
        Task.FromResult(_containers.TryGetValue(containerId, out var c) ? c.ToStatus() : null);

    public Task<IReadOnlyList<ContainerStatusInfo>> ListContainersAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ContainerStatusInfo>>(_containers.Values.Select(c => c.ToStatus()).ToList());

    public Task<ContainerStatusInfo> WaitContainerExitAsync(string containerId, CancellationToken ct) =>
        Get(containerId).Exited.Task.WaitAsync(ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Makes the container exit as if its process ended with <paramref name="exitCode"/>.</summary>
    public void Exit(string containerId, int exitCode) => Get(containerId).Finish(exitCode, exitCode == 0 ? "Completed" : "Error");

    internal void Record(string call) => _calls.Enqueue(call);

    private FakeContainer Get(string id) =>
        _containers.TryGetValue(id, out var c) ? c : throw new RuntimeException(RuntimeErrorReason.NotFound, $"container \"{id}\" not found");
}

/// <summary>One fake container; thread-safe.</summary>
public sealed class FakeContainer(FakeContainerRuntime owner, string id, int sequence, string sandboxId, ContainerConfig config, TimeProvider time)
{
    public string Id { get; } = id;

    public int Sequence { get; } = sequence;

    public string SandboxId { get; } = sandboxId;

    public ContainerConfig Config { get; } = config;

    public string Name => Config.Name;

    public bool ExitOnStopSignal { get; set; } = true;

    public ContainerRunState State { get; set; } = ContainerRunState.Created;

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public int? ExitCode { get; private set; }

    public string? Reason { get; private set; }

    public List<TimeSpan> StopTimeouts { get; } = [];

    public TaskCompletionSource<ContainerStatusInfo> Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Finish(int exitCode, string reason)
    {
        lock (this)
        {
            if (State == ContainerRunState.Exited)
            {
                return;
            }

            State = ContainerRunState.Exited;
            ExitCode = exitCode;
            Reason = reason;
            FinishedAt = time.GetUtcNow();
        }

        owner.Record($"exited {Name} {exitCode}");
        Exited.TrySetResult(ToStatus());
    }

    public ContainerStatusInfo ToStatus()
    {
        lock (this)
        {
            return new ContainerStatusInfo
            {
                Id = Id,
                SandboxId = SandboxId,
                State = State,
                Labels = Config.Labels,
                CreatedAt = StartedAt ?? time.GetUtcNow(),
                StartedAt = StartedAt,
                FinishedAt = FinishedAt,
                ExitCode = ExitCode,
                Reason = Reason,
                LogPath = Config.LogPath,
            };
        }
    }
}
