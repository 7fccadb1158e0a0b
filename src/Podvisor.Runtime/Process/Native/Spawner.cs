using System.Runtime.InteropServices;
using System.Text;

namespace Podvisor.Runtime.Process.Native;

/// <summary>What a child's stdin, stdout or stderr is: a path the child opens itself, or a parent fd dup2'ed in.</summary>
internal readonly record struct StdioSpec(string? Path, int OpenFlags, int ParentFd)
{
    public static readonly StdioSpec DevNull = new("/dev/null", LibC.O_RDWR, -1);

    public static StdioSpec Open(string path, int flags) => new(path, flags, -1);

    public static StdioSpec Dup(int fd) => new(null, 0, fd);
}

internal sealed record SpawnRequest(
    string Executable,
    IReadOnlyList<string> Argv,
    IReadOnlyList<string> Environment,
    string WorkingDirectory,
    StdioSpec Stdin,
    StdioSpec Stdout,
    StdioSpec Stderr);

/// <summary>
/// posix_spawn in a new session (so the child leads its own process group), with default signal dispositions
/// and an empty signal mask: .NET ignores SIGPIPE and a child must not inherit that. No shell is involved.
/// </summary>
internal static unsafe class Spawner
{
    /// <summary>Returns the child's pid; throws <see cref="SpawnException"/> with the errno when exec fails.</summary>
    public static int Spawn(SpawnRequest request)
    {
        var strings = new List<nint>(request.Argv.Count + request.Environment.Count + 8);
        var fileActions = NativeMemory.AllocZeroed(LibC.SpawnStructSize);
        var attr = NativeMemory.AllocZeroed(LibC.SpawnStructSize);
        var sigset = NativeMemory.AllocZeroed(LibC.SigSetSize);
        var argv = (byte**)NativeMemory.AllocZeroed((nuint)(request.Argv.Count + 1), (nuint)sizeof(byte*));
        var envp = (byte**)NativeMemory.AllocZeroed((nuint)(request.Environment.Count + 1), (nuint)sizeof(byte*));
        try
        {
            for (var i = 0; i < request.Argv.Count; i++)
            {
                argv[i] = Alloc(strings, request.Argv[i]);
            }

            for (var i = 0; i < request.Environment.Count; i++)
            {
                envp[i] = Alloc(strings, request.Environment[i]);
            }

            Check(LibC.posix_spawn_file_actions_init(fileActions), "posix_spawn_file_actions_init");
            Check(LibC.posix_spawnattr_init(attr), "posix_spawnattr_init");
            try
            {
                AddStdio(fileActions, 0, request.Stdin, strings);
                AddStdio(fileActions, 1, request.Stdout, strings);
                AddStdio(fileActions, 2, request.Stderr, strings);
                Check(LibC.posix_spawn_file_actions_addchdir_np(fileActions, Alloc(strings, request.WorkingDirectory)), "addchdir");

                Check(LibC.posix_spawnattr_setflags(attr, LibC.POSIX_SPAWN_SETSID | LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF), "setflags");
                LibC.sigemptyset(sigset);
                Check(LibC.posix_spawnattr_setsigmask(attr, sigset), "setsigmask");
                LibC.sigfillset(sigset);
                Check(LibC.posix_spawnattr_setsigdefault(attr, sigset), "setsigdefault");

                var error = LibC.posix_spawn(out var pid, Alloc(strings, request.Executable), fileActions, attr, argv, envp);
                if (error != 0)
                {
                    throw new SpawnException(error, request.Executable);
                }

                return pid;
            }
            finally
            {
                LibC.posix_spawn_file_actions_destroy(fileActions);
                LibC.posix_spawnattr_destroy(attr);
            }
        }
        finally
        {
            foreach (var s in strings)
            {
                NativeMemory.Free((void*)s);
            }

            NativeMemory.Free(argv);
            NativeMemory.Free(envp);
            NativeMemory.Free(sigset);
            NativeMemory.Free(attr);
            NativeMemory.Free(fileActions);
        }
    }

    private static void AddStdio(void* fileActions, int fd, StdioSpec spec, List<nint> strings)
    {
        if (spec.Path is not null)
        {
            Check(LibC.posix_spawn_file_actions_addopen(fileActions, fd, Alloc(strings, spec.Path), spec.OpenFlags, 0), "addopen");
        }
        else
        {
            Check(LibC.posix_spawn_file_actions_adddup2(fileActions, spec.ParentFd, fd), "adddup2");
        }
    }

    private static byte* Alloc(List<nint> strings, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        var p = (byte*)NativeMemory.Alloc((nuint)count + 1);
        strings.Add((nint)p);
        Encoding.UTF8.GetBytes(value, new Span<byte>(p, count));
        p[count] = 0;
        return p;
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new SpawnException(result, what);
        }
    }
}

internal sealed class SpawnException(int errno, string what)
    : Exception($"{what}: {LibC.ErrorText(errno)}")
{
    public int Errno { get; } = errno;

    public string ErrorText => LibC.ErrorText(Errno);
}
