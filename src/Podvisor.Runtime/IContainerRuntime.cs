namespace Podvisor.Runtime;

/// <summary>
/// A container runtime with CRI's shape, so the node agent never changes between the <c>process</c> runtime and
/// the later <c>oci</c> (runc + conmon) runtime. Ids are opaque strings. Every method is safe to call concurrently.
/// </summary>
public interface IContainerRuntime : IAsyncDisposable
{
    /// <summary>"process" or "oci".</summary>
    string Name { get; }

    /// <summary>Creates the pod's sandbox (network namespace and IP, pod-level volumes). Process runtime: the host.</summary>
    Task<PodSandbox> RunPodSandboxAsync(PodSandboxConfig config, CancellationToken ct);

    Task StopPodSandboxAsync(string sandboxId, CancellationToken ct);

    Task RemovePodSandboxAsync(string sandboxId, CancellationToken ct);

    /// <summary>Resolves the image and prepares the container; throws <see cref="RuntimeException"/> with a reason.</summary>
    Task<string> CreateContainerAsync(string sandboxId, ContainerConfig config, CancellationToken ct);

    /// <summary>Starts the process; returns once it runs (or throws with reason StartError and the OS message).</summary>
    Task StartContainerAsync(string containerId, CancellationToken ct);

    /// <summary>
    /// Sends the stop signal (SIGTERM unless configured) to the whole process group, waits up to
    /// <paramref name="timeout"/>, then SIGKILLs the group. Returns when the container has exited and nothing it
    /// started is left. Idempotent.
    /// </summary>
    Task StopContainerAsync(string containerId, TimeSpan timeout, CancellationToken ct);

    /// <summary>Forgets a stopped container; its log files stay until the pod is removed.</summary>
    Task RemoveContainerAsync(string containerId, CancellationToken ct);

    /// <summary>
    /// Runs a command in the container's context (env, working dir, namespaces) and waits up to
    /// <paramref name="timeout"/>; on timeout the command's process group is killed and TimedOut is set.
    /// Output is stdout and stderr combined, capped at <paramref name="maxOutputBytes"/>.
    /// </summary>
    Task<ExecResult> ExecSyncAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, int maxOutputBytes, CancellationToken ct);

    /// <summary>Starts an interactive exec (for kubectl exec): stdio streams and the exit code.</summary>
    Task<IExecSession> ExecAsync(string containerId, IReadOnlyList<string> command, bool tty, CancellationToken ct);

    /// <summary>Null when the runtime does not know the id.</summary>
    Task<ContainerStatusInfo?> ContainerStatusAsync(string containerId, CancellationToken ct);

    /// <summary>All containers the runtime knows, including ones adopted from an earlier run of Podvisor.</summary>
    Task<IReadOnlyList<ContainerStatusInfo>> ListContainersAsync(CancellationToken ct);

    /// <summary>Completes when the container has exited, with its final status.</summary>
    Task<ContainerStatusInfo> WaitContainerExitAsync(string containerId, CancellationToken ct);
}

public sealed record PodSandboxConfig
{
    public required string PodUid { get; init; }

    public required string PodName { get; init; }

    public required string PodNamespace { get; init; }

    public bool HostNetwork { get; init; }

    /// <summary>Directory for the pod's logs: {LogDirectory}/{container}/{restartCount}.log, as the kubelet lays them out.</summary>
    public required string LogDirectory { get; init; }

    public IReadOnlyList<SandboxVolume> Volumes { get; init; } = [];
}

/// <summary>A pod-level volume: emptyDir or hostPath (the process runtime rejects both with a clear message).</summary>
public sealed record SandboxVolume(string Name, string Kind, string? HostPath);

public sealed record PodSandbox(string Id, string PodIp, string HostIp);

public sealed record ContainerConfig
{
    public required string PodUid { get; init; }

    public required string Name { get; init; }

    /// <summary>Incremented on each restart; selects the log file.</summary>
    public int Attempt { get; init; }

    public required string Image { get; init; }

    /// <summary>Kubernetes' command (overrides the image entrypoint). Already $(VAR)-expanded by the caller.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Kubernetes' args (overrides the image cmd). Already $(VAR)-expanded by the caller.</summary>
    public IReadOnlyList<string>? Args { get; init; }

    public string? WorkingDir { get; init; }

    /// <summary>Final environment, already resolved by the caller (values, fieldRefs), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];

    public IReadOnlyList<VolumeMountConfig> Mounts { get; init; } = [];

    public required string LogPath { get; init; }

    public bool Stdin { get; init; }

    public bool Tty { get; init; }

    /// <summary>Opaque labels kept with the container (pod uid, container name, spec hash) for adoption.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

public sealed record VolumeMountConfig(string VolumeName, string ContainerPath, bool ReadOnly, string? SubPath);

public enum ContainerRunState
{
    Created,
    Running,
    Exited,
    Unknown,
}

public sealed record ContainerStatusInfo
{
    public required string Id { get; init; }

    public required string SandboxId { get; init; }

    public required ContainerRunState State { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public int? Pid { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>
    /// Exit code; 128+n for a signal; 128 for StartError; null while created or running. When the exit was not
    /// observed (reason ContainerStatusUnknown) it is 137, as SPEC §3.3 reports a container that disappeared.
    /// </summary>
    public int? ExitCode { get; init; }

    /// <summary>
    /// Completed, Error, OOMKilled, StartError, or ContainerStatusUnknown when the exit was not observed (the
    /// process was gone when Podvisor restarted, or an adopted process ended and only its parent could reap it).
    /// </summary>
    public string? Reason { get; init; }

    public string? Message { get; init; }

    public required string LogPath { get; init; }
}

public sealed record ExecResult(int ExitCode, string Output, bool TimedOut);

/// <summary>An interactive exec. Dispose kills the process if still running.</summary>
public interface IExecSession : IAsyncDisposable
{
    Stream Stdin { get; }

    Stream Stdout { get; }

    Stream Stderr { get; }

    Task<int> ExitCode { get; }
}

public enum RuntimeErrorReason
{
    /// <summary>Waiting reason CreateContainerConfigError (e.g. an image without catalog entry or command).</summary>
    CreateContainerConfigError,
    CreateContainerError,
    /// <summary>Waiting reason RunContainerError / terminated reason StartError.</summary>
    StartError,
    NotFound,
    Unsupported,
}

public sealed class RuntimeException(RuntimeErrorReason reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public RuntimeErrorReason Reason { get; } = reason;
}
