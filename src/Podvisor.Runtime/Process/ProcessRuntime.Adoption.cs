using System.Text.Json;
using Podvisor.Runtime.Process.Native;

namespace Podvisor.Runtime.Process;

public sealed partial class ProcessRuntime
{
    /// <summary>
    /// Reads every sandbox and container record. A Running container is adopted only if its pid is alive and its
    /// /proc start time equals the recorded one (the pidfd is opened first, so the check and the watch refer to
    /// the same process); otherwise it is reported Exited with SPEC §3.3's unknown status. A reused pid is never
    /// signalled.
    /// </summary>
    private void Load()
    {
        foreach (var file in Directory.EnumerateFiles(_sandboxesDir, "*.json"))
        {
            try
            {
                var sandbox = JsonSerializer.Deserialize(File.ReadAllBytes(file), RuntimeJsonContext.Default.SandboxRecord);
                if (sandbox is not null)
                {
                    _sandboxes[sandbox.Id] = sandbox;
                }
            }
            catch (JsonException ex)
            {
                LogCorruptState(_logger, file, ex);
            }
        }

        foreach (var dir in Directory.EnumerateDirectories(_containersDir))
        {
            var legacy = ContainerEntry.LegacyStateFileIn(dir);
            var stateFile = File.Exists(legacy) && !File.Exists(ContainerEntry.StateFileIn(dir)) ? legacy : ContainerEntry.StateFileIn(dir);
            ContainerRecord? record;
            StateFileVersion version;
            try
            {
                var bytes = StateFile.Read(stateFile, out version);
                record = bytes is null ? null : JsonSerializer.Deserialize(bytes, RuntimeJsonContext.Default.ContainerRecord);
            }
            catch (JsonException ex)
            {
                LogCorruptState(_logger, stateFile, ex);
                continue;
            }

            if (record is null)
            {
                continue;
            }

            var entry = new ContainerEntry(record, dir) { StateVersion = version };
            if (stateFile == legacy)
            {
                // Written by an older Podvisor: from now on in the in-place format.
                lock (entry.Sync)
                {
                    Persist(entry);
                }

                File.Delete(legacy);
            }

            _containers[record.Id] = entry;
            switch (record.State)
            {
                case ContainerRunState.Running:
                    Adopt(entry);
                    break;
                case ContainerRunState.Exited:
                    entry.Exited.TrySetResult(entry.ToStatus());
                    break;
                case ContainerRunState.Created:
                case ContainerRunState.Unknown:
                    break;
            }
        }
    }

    private void Adopt(ContainerEntry entry)
    {
        var record = entry.Record;
        var pidFd = record.Pid is { } pid ? LibC.pidfd_open(pid) : -1;
        if (pidFd < 0 || ProcFs.ReadStat(record.Pid!.Value) is not { } stat || stat.StartTime != record.ProcessStartTime)
        {
            if (pidFd >= 0)
            {
                LibC.close(pidFd);
            }

            MarkLost(entry);
            return;
        }

        var stdoutFd = LibC.OpenNonBlocking(entry.StdoutFifo, LibC.O_RDWR);
        var stderrFd = LibC.OpenNonBlocking(entry.StderrFifo, LibC.O_RDWR);
        entry.StdoutFd = stdoutFd;
        entry.StderrFd = stderrFd;
        entry.PidFd = pidFd;
        entry.Adopted = true;
        entry.Log = new CriLogWriter(record.LogPath, _options.LogMaxBytes, _options.LogMaxFiles, _time);
        Register(entry);
        LogAdopted(_logger, record.Name, record.Id, record.Pid!.Value);
    }

    private void MarkLost(ContainerEntry entry)
    {
        lock (entry.Sync)
        {
            entry.Record = entry.Record with
            {
                State = ContainerRunState.Exited,
                ExitCode = StatusUnknownExitCode,
                Reason = StatusUnknownReason,
                Message = LostMessage,
                FinishedAt = _time.GetUtcNow(),
            };
            Persist(entry);
        }

        LogLost(_logger, entry.Record.Name, entry.Record.Id, entry.Record.Pid ?? 0);
        entry.Exited.TrySetResult(entry.ToStatus());
    }
}
