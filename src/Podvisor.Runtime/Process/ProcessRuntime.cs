using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Runtime.Process.Native;

namespace Podvisor.Runtime.Process;

/// <summary>
/// The <c>process</c> runtime: each container is a host process leading its own session, spawned without a shell.
/// Its stdout and stderr are FIFOs in the container's state directory that the child opens read-write, so it
/// never gets SIGPIPE and keeps running (blocking once 64 KiB are buffered) while Podvisor is down; one epoll
/// thread turns them into CRI log files and watches every child's pidfd. State is persisted per container, and a
/// new instance over the same state directory adopts processes that are still alive (pid and start time match).
/// </summary>
public sealed partial class ProcessRuntime : IContainerRuntime
{
    /// <summary>SPEC §3.3: the reason and exit code of a container whose end was not observed.</summary>
    public const string StatusUnknownReason = "ContainerStatusUnknown";

    public const int StatusUnknownExitCode = 137;

    public const string LostMessage = "The container could not be located when podvisor restarted. The container used to be Running";

    public const string AdoptedExitMessage = "The container exited while podvisor was not its parent, so its exit status is unknown. The container used to be Running";

    /// <summary>Reads of 64 KiB allowed when draining a finished process's pipes: 4 MiB, far above a pipe's capacity.</summary>
    private const int FinalDrainReads = 64;

    private readonly ProcessRuntimeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ImageCatalog _catalog;
    private readonly IoLoop _loop;
    private readonly ProcessTableScanner _scanner = new();
    private readonly byte[] _readBuffer = new byte[64 * 1024];
    private readonly ConcurrentDictionary<string, ContainerEntry> _containers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SandboxRecord> _sandboxes = new(StringComparer.Ordinal);
    private readonly string _containersDir;
    private readonly string _sandboxesDir;
    private int _disposed;

    /// <summary>Creates the runtime and adopts what an earlier instance left in the state directory.</summary>
    public ProcessRuntime(ProcessRuntimeOptions options, TimeProvider timeProvider, ILogger<ProcessRuntime>? logger = null)
    {
        options.Validate();
        _options = options;
        _time = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _catalog = ImageCatalog.Load(options.ImageCatalogPath);
        _containersDir = Path.Combine(options.StateDirectory, "containers");
        _sandboxesDir = Path.Combine(options.StateDirectory, "sandboxes");
        Directory.CreateDirectory(_containersDir);
        Directory.CreateDirectory(_sandboxesDir);
        _loop = new IoLoop("podvisor-process-runtime", ex => LogLoopError(_logger, ex));
        Load();
    }

    public string Name => "process";

    public Task<PodSandbox> RunPodSandboxAsync(PodSandboxConfig config, CancellationToken ct)
    {
        ThrowIfDisposed();
        foreach (var volume in config.Volumes)
        {
            throw new RuntimeException(
                RuntimeErrorReason.Unsupported,
                $"volume \"{volume.Name}\": {volume.Kind} volumes need the oci runtime (podvisor serve --runtime oci); the process runtime runs containers on the host filesystem");
        }

        var record = new SandboxRecord(NewId(), config.PodUid, config.PodName, config.PodNamespace, config.LogDirectory);
        WriteAtomically(Path.Combine(_sandboxesDir, record.Id + ".json"), JsonSerializer.SerializeToUtf8Bytes(record, RuntimeJsonContext.Default.SandboxRecord));
        _sandboxes[record.Id] = record;
        return Task.FromResult(new PodSandbox(record.Id, _options.NodeIp, _options.NodeIp));
    }

    /// <summary>Kills every container of the sandbox at once (CRI semantics: no grace here; the caller gave it before).</summary>
    public async Task StopPodSandboxAsync(string sandboxId, CancellationToken ct)
    {
        var stops = _containers.Values
            .Where(c => c.Record.SandboxId == sandboxId)
            .Select(c => StopContainerAsync(c.Record.Id, TimeSpan.Zero, ct));
        await Task.WhenAll(stops);
    }

    public async Task RemovePodSandboxAsync(string sandboxId, CancellationToken ct)
    {
        foreach (var c in _containers.Values.Where(c => c.Record.SandboxId == sandboxId).ToList())
        {
            await RemoveContainerAsync(c.Record.Id, ct);
        }

        _sandboxes.TryRemove(sandboxId, out _);
        File.Delete(Path.Combine(_sandboxesDir, sandboxId + ".json"));
    }

    public Task<string> CreateContainerAsync(string sandboxId, ContainerConfig config, CancellationToken ct)
    {
        ThrowIfDisposed();
        if (!_sandboxes.ContainsKey(sandboxId))
        {
            throw new RuntimeException(RuntimeErrorReason.NotFound, $"pod sandbox \"{sandboxId}\" not found");
        }

        var resolved = _catalog.Resolve(config.Image, config.Command, config.Args);
        var env = ContainerCommand.BuildEnvironment(resolved.Env, config.Env);
        var id = NewId();
        var dir = Path.Combine(_containersDir, id);
        Directory.CreateDirectory(dir);
        var entry = new ContainerEntry(
            new ContainerRecord
            {
                Id = id,
                SandboxId = sandboxId,
                Name = config.Name,
                PodUid = config.PodUid,
                Attempt = config.Attempt,
                Image = config.Image,
                Argv = resolved.Argv,
                Env = env,
                WorkingDir = config.WorkingDir ?? resolved.WorkingDir ?? "/",
                LogPath = config.LogPath,
                Labels = new Dictionary<string, string>(config.Labels),
                State = ContainerRunState.Created,
                CreatedAt = _time.GetUtcNow(),
            },
            dir);
        try
        {
            LibC.MakeFifo(entry.StdoutFifo);
            LibC.MakeFifo(entry.StderrFifo);
            lock (entry.Sync)
            {
                Persist(entry);
            }
        }
        catch (IOException ex)
        {
            Directory.Delete(dir, recursive: true);
            throw new RuntimeException(RuntimeErrorReason.CreateContainerError, $"create container {config.Name}: {ex.Message}", ex);
        }

        _containers[id] = entry;
        return Task.FromResult(id);
    }

    public async Task StartContainerAsync(string containerId, CancellationToken ct)
    {
        var entry = Get(containerId);
        await entry.Gate.WaitAsync(ct);
        try
        {
            if (entry.Record.State != ContainerRunState.Created)
            {
                throw new RuntimeException(RuntimeErrorReason.StartError, $"container {containerId} is {entry.Record.State}, not Created");
            }

            Start(entry);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private void Start(ContainerEntry entry)
    {
        var record = entry.Record;
        var executable = ContainerCommand.ResolveExecutable(record.Argv[0], record.Env, record.WorkingDir);
        if (executable.Error is not null)
        {
            FailStart(entry, executable.Error);
        }

        if (!Directory.Exists(record.WorkingDir))
        {
            FailStart(entry, $"chdir to cwd (\"{record.WorkingDir}\") set in config failed: no such file or directory");
        }

        var log = new CriLogWriter(record.LogPath, _options.LogMaxBytes, _options.LogMaxFiles, _time);
        var stdoutFd = LibC.OpenNonBlocking(entry.StdoutFifo, LibC.O_RDWR);
        var stderrFd = LibC.OpenNonBlocking(entry.StderrFifo, LibC.O_RDWR);
        if (stdoutFd < 0 || stderrFd < 0)
        {
            var errno = LibC.Errno;
            LibC.close(stdoutFd);
            LibC.close(stderrFd);
            log.Dispose();
            FailStart(entry, $"open log fifo: {LibC.ErrorText(errno)}");
        }

        int pid;
        try
        {
            pid = Spawner.Spawn(new SpawnRequest(
                executable.Path!,
                record.Argv,
                record.Env,
                record.WorkingDir,
                StdioSpec.DevNull,
                StdioSpec.Open(entry.StdoutFifo, LibC.O_RDWR),
                StdioSpec.Open(entry.StderrFifo, LibC.O_RDWR)));
        }
        catch (SpawnException ex)
        {
            LibC.close(stdoutFd);
            LibC.close(stderrFd);
            log.Dispose();
            FailStart(entry, $"exec: \"{record.Argv[0]}\": {ex.ErrorText}");
            return;
        }

        // The child is ours and unreaped, so its pid cannot be reused before pidfd_open.
        var pidFd = LibC.pidfd_open(pid);
        var startTime = ProcFs.ReadStat(pid)?.StartTime;
        entry.StdoutFd = stdoutFd;
        entry.StderrFd = stderrFd;
        entry.PidFd = pidFd;
        entry.Log = log;
        lock (entry.Sync)
        {
            entry.Record = record with
            {
                State = ContainerRunState.Running,
                Pid = pid,
                ProcessStartTime = startTime,
                StartedAt = _time.GetUtcNow(),
            };
            Persist(entry);
        }

        // Registered only now: the exit handler must find the Running record it replaces.
        Register(entry);
        LogStarted(_logger, record.Name, record.Id, pid);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void FailStart(ContainerEntry entry, string message)
    {
        var now = _time.GetUtcNow();
        lock (entry.Sync)
        {
            entry.Record = entry.Record with
            {
                State = ContainerRunState.Exited,
                ExitCode = 128,
                Reason = "StartError",
                Message = message,
                FinishedAt = now,
            };
            Persist(entry);
        }

        // The log file exists even for a container that never ran, as with containerd.
        Directory.CreateDirectory(Path.GetDirectoryName(entry.Record.LogPath)!);
        File.AppendAllText(entry.Record.LogPath, string.Empty);
        entry.Exited.TrySetResult(entry.ToStatus());
        throw new RuntimeException(RuntimeErrorReason.StartError, message);
    }

    /// <summary>Under <see cref="ContainerEntry.Sync"/>, which <see cref="OnExited"/> takes first, so it sees every token.</summary>
    private void Register(ContainerEntry entry)
    {
        lock (entry.Sync)
        {
            entry.StdoutToken = _loop.Add(entry.StdoutFd, _ => entry.Pump(LogStream.Stdout, _readBuffer));
            entry.StderrToken = _loop.Add(entry.StderrFd, _ => entry.Pump(LogStream.Stderr, _readBuffer));
            entry.PidToken = _loop.Add(entry.PidFd, _ => OnExited(entry));
        }
    }

    /// <summary>The pidfd became readable: the leader exited. Runs on the I/O loop thread.</summary>
    private void OnExited(ContainerEntry entry)
    {
        var pid = entry.Record.Pid!.Value;
        int? exitCode = null;
        lock (entry.Sync)
        {
            int reaped;
            int status;
            do
            {
                reaped = LibC.waitpid(pid, out status, LibC.WNOHANG);
            }
            while (reaped < 0 && LibC.Errno == LibC.EINTR);

            if (reaped == 0)
            {
                return;
            }

            // reaped < 0 (ECHILD): an adopted process another parent reaps; it is dead all the same.
            exitCode = reaped == pid ? LibC.DecodeWaitStatus(status) : null;
            entry.Reaped = true;
        }

        // A container's processes end with it, as when a pid namespace's init exits.
        LibC.kill(-pid, LibC.SIGKILL);
        // What is still buffered (a pipe holds 64 KiB by default); bounded in case an escaped process keeps writing.
        entry.Pump(LogStream.Stdout, _readBuffer, FinalDrainReads);
        entry.Pump(LogStream.Stderr, _readBuffer, FinalDrainReads);
        entry.Log?.Complete();
        entry.CloseIo(_loop);

        var now = _time.GetUtcNow();
        ContainerStatusInfo final;
        lock (entry.Sync)
        {
            entry.Record = exitCode is { } code
                ? entry.Record with
                {
                    State = ContainerRunState.Exited,
                    ExitCode = code,
                    Reason = code == 0 ? "Completed" : "Error",
                    FinishedAt = now,
                }
                : entry.Record with
                {
                    State = ContainerRunState.Exited,
                    ExitCode = StatusUnknownExitCode,
                    Reason = StatusUnknownReason,
                    Message = AdoptedExitMessage,
                    FinishedAt = now,
                };
            if (!entry.Removed)
            {
                Persist(entry);
            }

            final = entry.ToStatus();
        }

        LogExited(_logger, entry.Record.Name, entry.Record.Id, pid, final.ExitCode, final.Reason);
        entry.Exited.TrySetResult(final);
    }

    public async Task RemoveContainerAsync(string containerId, CancellationToken ct)
    {
        if (!_containers.TryGetValue(containerId, out var entry))
        {
            return;
        }

        await StopContainerAsync(containerId, TimeSpan.Zero, ct);
        await entry.Gate.WaitAsync(ct);
        try
        {
            lock (entry.Sync)
            {
                entry.Removed = true;
            }

            _containers.TryRemove(containerId, out _);
            if (Directory.Exists(entry.StateDirectory))
            {
                Directory.Delete(entry.StateDirectory, recursive: true);
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public Task<ContainerStatusInfo?> ContainerStatusAsync(string containerId, CancellationToken ct) =>
        Task.FromResult(_containers.TryGetValue(containerId, out var entry) ? Snapshot(entry) : null);

    public Task<IReadOnlyList<ContainerStatusInfo>> ListContainersAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ContainerStatusInfo>>(_containers.Values.Select(Snapshot).ToList());

    public Task<ContainerStatusInfo> WaitContainerExitAsync(string containerId, CancellationToken ct) =>
        Get(containerId).Exited.Task.WaitAsync(ct);

    /// <summary>The pid (= process group = session) the container ran as, also after it exited; for tests.</summary>
    internal int? RecordedPid(string containerId) => _containers.TryGetValue(containerId, out var entry) ? entry.Record.Pid : null;

    private static ContainerStatusInfo Snapshot(ContainerEntry entry)
    {
        lock (entry.Sync)
        {
            return entry.ToStatus();
        }
    }

    private ContainerEntry Get(string containerId)
    {
        ThrowIfDisposed();
        return _containers.TryGetValue(containerId, out var entry)
            ? entry
            : throw new RuntimeException(RuntimeErrorReason.NotFound, $"container \"{containerId}\" not found");
    }

    /// <summary>Writes the record (the caller holds <see cref="ContainerEntry.Sync"/>).</summary>
    private static void Persist(ContainerEntry entry)
    {
        entry.StateVersion = StateFile.Write(
            entry.StateFile,
            JsonSerializer.SerializeToUtf8Bytes(entry.Record, RuntimeJsonContext.Default.ContainerRecord),
            entry.StateVersion);
    }

    /// <summary>
    /// Temp file + rename: a crash of Podvisor leaves the old or the new state, never half of one. No fsync: after
    /// a machine crash every process container is gone anyway, so only atomicity matters.
    /// </summary>
    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>
    /// Stops watching and closes every fd without touching the processes: the containers keep running (their
    /// FIFO writes block once the pipe is full) for the next instance to adopt. Disposing does the same, like a
    /// CRI runtime that outlives its client.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        _loop.Dispose();
        foreach (var entry in _containers.Values)
        {
            entry.Log?.Detach();
            entry.CloseIo(loop: null);
        }

        return ValueTask.CompletedTask;
    }
}
