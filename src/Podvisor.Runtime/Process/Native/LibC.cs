using System.Runtime.InteropServices;

namespace Podvisor.Runtime.Process.Native;

/// <summary>
/// The glibc calls the process runtime needs (Linux x86_64/arm64). Strings are passed as NUL-terminated UTF-8
/// pointers so a spawn allocates nothing the GC has to pin or track.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc";

    public const int EINTR = 4;
    public const int ESRCH = 3;
    public const int ECHILD = 10;
    public const int EAGAIN = 11;
    public const int ENOENT = 2;

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const int F_GETFL = 3;
    public const int F_SETFL = 4;

    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const uint EPOLLIN = 0x001;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;

    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;

    public const int WNOHANG = 1;
    public const int X_OK = 1;

    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;

    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336; both get room to spare.</summary>
    public const int SpawnStructSize = 512;

    /// <summary>sigset_t is 128 bytes in glibc.</summary>
    public const int SigSetSize = 128;

    private const long SysPidfdOpen = 434;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct EpollEventX64
    {
        public uint Events;
        public ulong Data;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct EpollEventAligned
    {
        public uint Events;
        public ulong Data;
    }

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int posix_spawn(out int pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_init(void* fileActions);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_destroy(void* fileActions);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_addopen(void* fileActions, int fd, byte* path, int oflag, uint mode);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newFd);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_addchdir_np(void* fileActions, byte* path);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);

    [LibraryImport(Lib)]
    public static partial int sigemptyset(void* set);

    [LibraryImport(Lib)]
    public static partial int sigfillset(void* set);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int kill(int pid, int sig);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int waitpid(int pid, out int status, int options);

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial int Syscall2(long number, int arg1, uint arg2);

    public static int pidfd_open(int pid) => Syscall2(SysPidfdOpen, pid, 0);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, void* ev);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int epoll_wait(int epfd, void* events, int maxEvents, int timeout);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint write(int fd, byte* buf, nint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int open(byte* path, int flags, uint mode);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int mkfifo(byte* path, uint mode);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int access(byte* path, int mode);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string ErrorText(int errno) => Marshal.GetPInvokeErrorMessage(errno).ToLowerInvariant();

    /// <summary>Decodes a wait status: 128+n for a signal (as container runtimes report it), else the exit code.</summary>
    public static int DecodeWaitStatus(int status)
    {
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    public static int OpenNonBlocking(string path, int flags)
    {
        using var p = new Utf8Z(path);
        return open(p.Pointer, flags | O_NONBLOCK | O_CLOEXEC, 0);
    }

    public static void SetNonBlocking(int fd)
    {
        var flags = fcntl(fd, F_GETFL, 0);
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }

    public static bool IsExecutableFile(string path)
    {
        if (Directory.Exists(path))
        {
            return false;
        }

        using var p = new Utf8Z(path);
        return access(p.Pointer, X_OK) == 0;
    }

    public static void MakeFifo(string path)
    {
        using var p = new Utf8Z(path);
        if (mkfifo(p.Pointer, Convert.ToUInt32("600", 8)) != 0)
        {
            var errno = Errno;
            throw new IOException($"mkfifo {path}: {ErrorText(errno)}");
        }
    }
}

/// <summary>A NUL-terminated UTF-8 copy of a string in native memory.</summary>
internal readonly unsafe struct Utf8Z : IDisposable
{
    public Utf8Z(string value)
    {
        var count = System.Text.Encoding.UTF8.GetByteCount(value);
        Pointer = (byte*)NativeMemory.Alloc((nuint)count + 1);
        System.Text.Encoding.UTF8.GetBytes(value, new Span<byte>(Pointer, count));
        Pointer[count] = 0;
    }

    public byte* Pointer { get; }

    public void Dispose() => NativeMemory.Free(Pointer);
}
