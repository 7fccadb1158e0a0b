using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;
using Podvisor.Runtime.Process.Native;

namespace Podvisor.Runtime.Process;

public sealed partial class ProcessRuntime
{
    /// <summary>Exit code reported when an exec's executable cannot be found or run (a shell's "command not found").</summary>
    public const int ExecNotFoundExitCode = 127;

    /// <summary>
    /// Runs the command on the host with the container's environment and working directory, in its own session.
    /// No thread is used while it runs: its output pipe and pidfd are watched by the I/O loop, and the timeout is
    /// a <see cref="TimeProvider"/> timer that SIGKILLs the exec's whole group.
    /// </summary>
    public async Task<ExecResult> ExecSyncAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, int maxOutputBytes, CancellationToken ct)
    {
        var record = Get(containerId).Record;
        if (command.Count == 0)
        {
            throw new ArgumentException("exec needs a command", nameof(command));
        }

        var (executable, error) = ContainerCommand.ResolveExecutable(command[0], record.Env, record.WorkingDir);
        if (error is not null)
        {
            return new ExecResult(ExecNotFoundExitCode, error, TimedOut: false);
        }

        var op = new ExecOperation(this, Math.Max(0, maxOutputBytes));
        op.Start(new SpawnRequest(executable!, command, record.Env, record.WorkingDir, StdioSpec.DevNull, default, default));
        if (op.StartError is { } startError)
        {
            return new ExecResult(ExecNotFoundExitCode, $"exec: \"{command[0]}\": {startError}", TimedOut: false);
        }

        using var timer = _time.CreateTimer(static s => ((ExecOperation)s!).Kill(timedOut: true), op, timeout, Timeout.InfiniteTimeSpan);
        await using var registration = ct.Register(static s => ((ExecOperation)s!).Kill(timedOut: false), op);
        var result = await op.Completion;
        ct.ThrowIfCancellationRequested();
        return result;
    }

    public Task<IExecSession> ExecAsync(string containerId, IReadOnlyList<string> command, bool tty, CancellationToken ct)
    {
        var record = Get(containerId).Record;
        if (command.Count == 0)
        {
            throw new ArgumentException("exec needs a command", nameof(command));
        }

        var (executable, error) = ContainerCommand.ResolveExecutable(command[0], record.Env, record.WorkingDir);
        if (error is not null)
        {
            throw new RuntimeException(RuntimeErrorReason.StartError, error);
        }

        return Task.FromResult<IExecSession>(ExecSession.Start(this, new SpawnRequest(executable!, command, record.Env, record.WorkingDir, default, default, default)));
    }

    private static unsafe (int Read, int Write) Pipe()
    {
        var fds = stackalloc int[2];
        if (LibC.pipe2(fds, LibC.O_CLOEXEC) != 0)
        {
            throw new IOException($"pipe2: {LibC.ErrorText(LibC.Errno)}");
        }

        return (fds[0], fds[1]);
    }

    /// <summary>
    /// One ExecSync: pid, output pipe and pidfd, all driven by the I/O loop. <see cref="Kill"/> and the exit
    /// handler synchronise on the instance so a group is never signalled after its leader was reaped (its pid
    /// could then belong to another process).
    /// </summary>
    private sealed unsafe class ExecOperation(ProcessRuntime runtime, int maxOutput)
    {
        private readonly TaskCompletionSource<ExecResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly byte[] _output = new byte[maxOutput];
        private int _count;
        private int _pid;
        private int _readFd = -1;
        private int _pidFd = -1;
        private ulong _readToken;
        private ulong _pidToken;
        private bool _reaped;
        private bool _timedOut;

        public Task<ExecResult> Completion => _completion.Task;

        public string? StartError { get; private set; }

        public void Start(SpawnRequest request)
        {
            var (read, write) = Pipe();
            try
            {
                _pid = Spawner.Spawn(request with { Stdout = StdioSpec.Dup(write), Stderr = StdioSpec.Dup(write) });
            }
            catch (SpawnException ex)
            {
                LibC.close(read);
                StartError = ex.ErrorText;
                return;
            }
            finally
            {
                LibC.close(write);
            }

            LibC.SetNonBlocking(read);
            _readFd = read;
            _pidFd = LibC.pidfd_open(_pid);
            lock (this)
            {
                _readToken = runtime._loop.Add(_readFd, _ => Drain());
                _pidToken = runtime._loop.Add(_pidFd, _ => OnExit());
            }
        }

        public void Kill(bool timedOut)
        {
            lock (this)
            {
                if (_reaped)
                {
                    return;
                }

                _timedOut |= timedOut;
                LibC.kill(-_pid, LibC.SIGKILL);
            }
        }

        private void Drain()
        {
            lock (this)
            {
                DrainLocked(maxReads: 16);
            }
        }

        /// <summary>Bounded per wake so an exec that floods output cannot hold the I/O loop.</summary>
        private void DrainLocked(int maxReads)
        {
            if (_readFd < 0)
            {
                return;
            }

            var scratch = runtime._readBuffer;
            fixed (byte* p = scratch)
            {
                for (var reads = 0; reads < maxReads; reads++)
                {
                    var n = LibC.read(_readFd, p, scratch.Length);
                    if (n > 0)
                    {
                        var take = Math.Min((int)n, _output.Length - _count);
                        scratch.AsSpan(0, take).CopyTo(_output.AsSpan(_count));
                        _count += take;
                        continue;
                    }

                    if (n < 0 && LibC.Errno == LibC.EINTR)
                    {
                        continue;
                    }

                    if (n == 0)
                    {
                        // Every writer is gone; a level-triggered HUP would spin, so stop watching.
                        CloseRead();
                    }

                    return;
                }
            }
        }

        private void CloseRead()
        {
            if (_readFd >= 0)
            {
                runtime._loop.Remove(_readToken, _readFd);
                LibC.close(_readFd);
                _readFd = -1;
            }
        }

        private void OnExit()
        {
            int status;
            lock (this)
            {
                int reaped;
                do
                {
                    reaped = LibC.waitpid(_pid, out status, LibC.WNOHANG);
                }
                while (reaped < 0 && LibC.Errno == LibC.EINTR);

                if (reaped == 0)
                {
                    return;
                }

                _reaped = true;
                DrainLocked(FinalDrainReads);
                CloseRead();
                runtime._loop.Remove(_pidToken, _pidFd);
                LibC.close(_pidFd);
            }

            var text = System.Text.Encoding.UTF8.GetString(_output, 0, _count);
            _completion.TrySetResult(new ExecResult(LibC.DecodeWaitStatus(status), text, _timedOut));
        }
    }

    /// <summary>An interactive exec: pipes for stdio (no terminal is allocated; <c>tty</c> is ignored).</summary>
    private sealed class ExecSession : IExecSession
    {
        private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ProcessRuntime _runtime;
        private readonly object _sync = new();
        private int _pid;
        private int _pidFd;
        private ulong _pidToken;
        private bool _reaped;

        private ExecSession(ProcessRuntime runtime, Stream stdin, Stream stdout, Stream stderr)
        {
            _runtime = runtime;
            Stdin = stdin;
            Stdout = stdout;
            Stderr = stderr;
        }

        public Stream Stdin { get; }

        public Stream Stdout { get; }

        public Stream Stderr { get; }

        public Task<int> ExitCode => _exit.Task;

        public static ExecSession Start(ProcessRuntime runtime, SpawnRequest request)
        {
            var stdin = Pipe();
            var stdout = Pipe();
            var stderr = Pipe();
            int pid;
            try
            {
                pid = Spawner.Spawn(request with
                {
                    Stdin = StdioSpec.Dup(stdin.Read),
                    Stdout = StdioSpec.Dup(stdout.Write),
                    Stderr = StdioSpec.Dup(stderr.Write),
                });
            }
            catch (SpawnException ex)
            {
                LibC.close(stdin.Write);
                LibC.close(stdout.Read);
                LibC.close(stderr.Read);
                throw new RuntimeException(RuntimeErrorReason.StartError, $"exec: \"{request.Argv[0]}\": {ex.ErrorText}", ex);
            }
            finally
            {
                LibC.close(stdin.Read);
                LibC.close(stdout.Write);
                LibC.close(stderr.Write);
            }

            var session = new ExecSession(
                runtime,
                new AnonymousPipeClientStream(PipeDirection.Out, new SafePipeHandle(stdin.Write, ownsHandle: true)),
                new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(stdout.Read, ownsHandle: true)),
                new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(stderr.Read, ownsHandle: true)));
            session._pid = pid;
            session._pidFd = LibC.pidfd_open(pid);
            lock (session._sync)
            {
                session._pidToken = runtime._loop.Add(session._pidFd, _ => session.OnExit());
            }

            return session;
        }

        private void OnExit()
        {
            int status;
            lock (_sync)
            {
                if (LibC.waitpid(_pid, out status, LibC.WNOHANG) != _pid)
                {
                    return;
                }

                _reaped = true;
                _runtime._loop.Remove(_pidToken, _pidFd);
                LibC.close(_pidFd);
            }

            _exit.TrySetResult(LibC.DecodeWaitStatus(status));
        }

        public async ValueTask DisposeAsync()
        {
            lock (_sync)
            {
                if (!_reaped)
                {
                    LibC.kill(-_pid, LibC.SIGKILL);
                }
            }

            await Stdin.DisposeAsync();
            await _exit.Task;
            await Stdout.DisposeAsync();
            await Stderr.DisposeAsync();
        }
    }
}
