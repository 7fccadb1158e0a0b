using System.Runtime.InteropServices;

namespace Podvisor.Bench;

/// <summary>The safety net after `podvisor down`: container processes that are still alive are reported and killed.</summary>
internal static partial class Cleanup
{
    private const int SigKill = 9;

    /// <summary>
    /// Ends a benchmark's server: notes every container the runtime started, runs `podvisor down`, prints its result
    /// (the whole output when it failed), kills what is still alive and disposes the server. True when down exited 0
    /// and nothing was left.
    /// </summary>
    public static async Task<bool> TearDownAsync(ServeProcess serve, HashSet<int> pids, TimeSpan timeout, string benchmark, string indent = "")
    {
        foreach (var pid in new NodeBenchmark.StartedContainers(Path.Combine(serve.DataDir, "runtime", "containers")).Pids)
        {
            pids.Add(pid);
        }

        var down = System.Diagnostics.Stopwatch.StartNew();
        var (code, output) = await serve.DownAsync(timeout, CancellationToken.None);
        Console.WriteLine($"{indent}podvisor down: exit {code} after {down.Elapsed.TotalSeconds:F1} s: {(code == 0 ? output.Trim().Split('\n')[^1] : "\n" + output.Trim())}");
        var clean = KillLeftovers(pids, benchmark);
        await serve.DisposeAsync();
        return code == 0 && clean;
    }

    /// <summary>
    /// True when none of <paramref name="pids"/> (container session leaders, all `sleep`) is still alive. Any that is
    /// gets its whole session SIGKILLed and is reported; the cmdline check keeps a reused pid from being hit.
    /// </summary>
    public static bool KillLeftovers(IEnumerable<int> pids, string benchmark)
    {
        var left = pids.Where(pid => Machine.Alive(pid) && CommandLine(pid).StartsWith("sleep", StringComparison.Ordinal)).ToList();
        foreach (var pid in left)
        {
            _ = Kill(-pid, SigKill);
            _ = Kill(pid, SigKill);
        }

        if (left.Count > 0)
        {
            Console.Error.WriteLine($"{benchmark}: {left.Count} container process(es) were still running after podvisor down; killed: {string.Join(", ", left.Take(20))}");
        }

        return left.Count == 0;
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
