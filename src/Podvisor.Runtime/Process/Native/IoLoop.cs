using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Podvisor.Runtime.Process.Native;

/// <summary>
/// One thread that waits on every container's log FIFOs, every exec's output pipe and every child's pidfd with
/// epoll, so thousands of containers and probe execs cost no thread each. Handlers run on that thread and must
/// not block; they own the fds they were registered with and close them there (after <see cref="Remove"/>).
/// Tokens are never reused, so an event already fetched for a removed registration is simply dropped.
/// </summary>
internal sealed unsafe class IoLoop : IDisposable
{
    private const int MaxEvents = 128;
    private const ulong WakeToken = 0;

    private static readonly bool PackedEvents = RuntimeInformation.ProcessArchitecture == Architecture.X64;

    private readonly ConcurrentDictionary<ulong, Action<uint>> _handlers = new();
    private readonly int _epfd;
    private readonly int _wakeFd;
    private readonly Thread _thread;
    private readonly Action<Exception> _onHandlerError;
    private long _nextToken;
    private volatile bool _stopping;
    private int _disposed;

    public IoLoop(string name, Action<Exception> onHandlerError)
    {
        _onHandlerError = onHandlerError;
        _epfd = LibC.epoll_create1(LibC.O_CLOEXEC);
        if (_epfd < 0)
        {
            throw new IOException($"epoll_create1: {LibC.ErrorText(LibC.Errno)}");
        }

        _wakeFd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        Ctl(LibC.EPOLL_CTL_ADD, _wakeFd, WakeToken);
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>True when called from the loop's own thread.</summary>
    public bool OnLoopThread => Environment.CurrentManagedThreadId == _thread.ManagedThreadId;

    /// <summary>Watches <paramref name="fd"/> for readability (level-triggered); returns the registration token.</summary>
    public ulong Add(int fd, Action<uint> onEvents)
    {
        var token = (ulong)Interlocked.Increment(ref _nextToken);
        _handlers[token] = onEvents;
        Ctl(LibC.EPOLL_CTL_ADD, fd, token);
        return token;
    }

    public void Remove(ulong token, int fd)
    {
        _handlers.TryRemove(token, out _);
        LibC.epoll_ctl(_epfd, LibC.EPOLL_CTL_DEL, fd, null);
    }

    private void Ctl(int op, int fd, ulong token)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = LibC.EPOLLIN;
        *(ulong*)(ev + (PackedEvents ? 4 : 8)) = token;
        if (LibC.epoll_ctl(_epfd, op, fd, ev) != 0)
        {
            throw new IOException($"epoll_ctl fd {fd}: {LibC.ErrorText(LibC.Errno)}");
        }
    }

    private void Run()
    {
        var stride = PackedEvents ? 12 : 16;
        var dataOffset = PackedEvents ? 4 : 8;
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * stride));
        try
        {
            while (!_stopping)
            {
                var n = LibC.epoll_wait(_epfd, events, MaxEvents, -1);
                if (n < 0)
                {
                    if (LibC.Errno == LibC.EINTR)
                    {
                        continue;
                    }

                    _onHandlerError(new IOException($"epoll_wait: {LibC.ErrorText(LibC.Errno)}"));
                    return;
                }

                for (var i = 0; i < n && !_stopping; i++)
                {
                    var e = events + (i * stride);
                    var token = *(ulong*)(e + dataOffset);
                    if (token == WakeToken || !_handlers.TryGetValue(token, out var handler))
                    {
                        continue;
                    }

                    try
                    {
                        handler(*(uint*)e);
                    }
                    catch (Exception ex)
                    {
                        _onHandlerError(ex);
                    }
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }

    /// <summary>Stops the thread; registered fds are left open for their owners to close.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping = true;
        ulong one = 1;
        LibC.write(_wakeFd, (byte*)&one, sizeof(ulong));
        if (!OnLoopThread)
        {
            _thread.Join();
        }

        LibC.close(_wakeFd);
        LibC.close(_epfd);
    }
}
