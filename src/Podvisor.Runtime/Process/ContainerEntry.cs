using Podvisor.Runtime.Process.Native;

namespace Podvisor.Runtime.Process;

/// <summary>
/// The live side of one container. <see cref="Record"/> changes only under <see cref="Sync"/> and is persisted in
/// the same critical section, so the file never lags a state another thread has observed. Lifecycle calls
/// (start, stop, remove) are serialised by <see cref="Gate"/>. The FIFO fds, the pidfd and the log writer belong
/// to the I/O loop once registered: only its thread reads or closes them.
/// </summary>
internal sealed class ContainerEntry
{
    public ContainerEntry(ContainerRecord record, string stateDirectory)
    {
        Record = record;
        StateDirectory = stateDirectory;
    }

    public object Sync { get; } = new();

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public ContainerRecord Record { get; set; }

    public string StateDirectory { get; }

    public string StdoutFifo => Path.Combine(StateDirectory, "stdout.fifo");

    public string StderrFifo => Path.Combine(StateDirectory, "stderr.fifo");

    /// <summary>The record, rewritten in place (<see cref="Process.StateFile"/>).</summary>
    public string StateFile => StateFileIn(StateDirectory);

    /// <summary>The record file in a container's state directory.</summary>
    public static string StateFileIn(string stateDirectory) => Path.Combine(stateDirectory, "state");

    /// <summary>The record as plain JSON, replaced by rename: what an older Podvisor wrote; read, then removed.</summary>
    public static string LegacyStateFileIn(string stateDirectory) => Path.Combine(stateDirectory, "state.json");

    /// <summary>The state file's last write (under <see cref="Sync"/>, like <see cref="Record"/>).</summary>
    public StateFileVersion StateVersion { get; set; }

    /// <summary>Completed (on the I/O loop) with the final status once the process has exited and its logs are drained.</summary>
    public TaskCompletionSource<ContainerStatusInfo> Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True when this Podvisor did not start the process, so it may not be able to reap it.</summary>
    public bool Adopted { get; set; }

    public bool Removed { get; set; }

    /// <summary>The leader was reaped (or found dead): its pid may be reused, so it must not be signalled again.</summary>
    public bool Reaped { get; set; }

    public int StdoutFd { get; set; } = -1;

    public int StderrFd { get; set; } = -1;

    public int PidFd { get; set; } = -1;

    public ulong StdoutToken { get; set; }

    public ulong StderrToken { get; set; }

    public ulong PidToken { get; set; }

    public CriLogWriter? Log { get; set; }

    /// <summary>
    /// Reads what is available from one FIFO into the log (nonblocking; the loop thread only). At most
    /// <paramref name="maxReads"/> reads per wake, so one chatty container cannot starve the others; epoll is
    /// level-triggered and comes back for the rest.
    /// </summary>
    public unsafe void Pump(LogStream stream, byte[] buffer, int maxReads = 16)
    {
        var fd = stream == LogStream.Stdout ? StdoutFd : StderrFd;
        if (fd < 0 || Log is null)
        {
            return;
        }

        fixed (byte* p = buffer)
        {
            for (var reads = 0; reads < maxReads; reads++)
            {
                var n = LibC.read(fd, p, buffer.Length);
                if (n > 0)
                {
                    Log.Append(stream, buffer.AsSpan(0, (int)n));
                    continue;
                }

                if (n < 0 && LibC.Errno == LibC.EINTR)
                {
                    continue;
                }

                return;
            }
        }
    }

    /// <summary>Unregisters and closes the fds and the log (the loop thread, or after the loop stopped).</summary>
    public void CloseIo(IoLoop? loop)
    {
        if (StdoutFd >= 0)
        {
            loop?.Remove(StdoutToken, StdoutFd);
            LibC.close(StdoutFd);
            StdoutFd = -1;
        }

        if (StderrFd >= 0)
        {
            loop?.Remove(StderrToken, StderrFd);
            LibC.close(StderrFd);
            StderrFd = -1;
        }

        if (PidFd >= 0)
        {
            loop?.Remove(PidToken, PidFd);
            LibC.close(PidFd);
            PidFd = -1;
        }

        Log?.Dispose();
        Log = null;
    }

    public ContainerStatusInfo ToStatus()
    {
        var r = Record;
        return new ContainerStatusInfo
        {
            Id = r.Id,
            SandboxId = r.SandboxId,
            State = r.State,
            Labels = r.Labels,
            Pid = r.State == ContainerRunState.Running ? r.Pid : null,
            CreatedAt = r.CreatedAt,
            StartedAt = r.StartedAt,
            FinishedAt = r.FinishedAt,
            ExitCode = r.ExitCode,
            Reason = r.Reason,
            Message = r.Message,
            LogPath = r.LogPath,
        };
    }
}
