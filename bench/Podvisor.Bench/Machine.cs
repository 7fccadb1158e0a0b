using System.Diagnostics;
using System.Globalization;

namespace Podvisor.Bench;

/// <summary>What the machine and a process look like from /proc: load average, CPU time, RSS.</summary>
internal static class Machine
{
    /// <summary>Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on every Linux this runs on).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>The 1-minute load average.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    /// <summary>The line every benchmark prints next to its figures: figures on a shared machine mean little without it.</summary>
    public static string Header(string benchmark) =>
        $"{benchmark}: {Environment.ProcessorCount} cores, 1-min load average {LoadAverage()}, CPU speed check {SpeedCheckMs():F0} ms, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC";

    /// <summary>
    /// A fixed single-threaded integer loop, timed: this VM's CPU speed drifts (the same loop took 350-600 ms within an
    /// hour, with no steal time reported), so each run states it beside its figures. Lower is faster.
    /// </summary>
    public static double SpeedCheckMs()
    {
        var sw = Stopwatch.StartNew();
        var x = 0UL;
        for (var i = 0UL; i < 400_000_000UL; i++)
        {
            x = (x * 6364136223846793005UL) + i;
        }

        GC.KeepAlive(x);
        return sw.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// Mean microseconds to create an empty file in <paramref name="dir"/> (200 of them, left in place: deleting them
    /// would slow the next creations). On ext4 without a journal, as here, a new inode costs a step over every inode of
    /// its block group freed in the last 60-300 s, so this swings with what the machine deleted lately and where the
    /// directory landed: 12-15 µs in a quiet group, 50-400 µs in a churned one (measured with the same loop).
    /// </summary>
    public static double FileCreationCheckMicros(string dir)
    {
        const int Count = 200;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Count; i++)
        {
            File.Create(Path.Combine(dir, $".fs-check-{i}")).Dispose();
        }

        return sw.Elapsed.TotalMicroseconds / Count;
    }

    /// <summary>
    /// The disk's durable-write latency where a benchmark's server writes: 200 times a 4 KiB write at the start of a
    /// file and fsync (what a WAL commit waits for), p50 and p99 in ms. The file is removed.
    /// </summary>
    public static (double P50, double P99) FsyncCheckMillis(string dir)
    {
        const int Count = 200;
        var path = Path.Combine(dir, ".fsync-check");
        var block = new byte[4096];
        var times = new List<double>(Count);
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            for (var i = 0; i < Count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                file.Position = 0;
                block[0] = (byte)i;
                file.Write(block);
                file.Flush(flushToDisk: true);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        finally
        {
            File.Delete(path);
        }

        return (Percentile(times, 50), Percentile(times, 99));
    }

    /// <summary>user+system CPU of the process itself, and of its reaped children, or null when it is gone.</summary>
    public static (TimeSpan Self, TimeSpan Children)? Cpu(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // Fields after the command name "(...)": state is field 3; utime 14, stime 15, cutime 16, cstime 17.
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double T(int field) => double.Parse(f[field - 3], CultureInfo.InvariantCulture) / TicksPerSecond;
        return (TimeSpan.FromSeconds(T(14) + T(15)), TimeSpan.FromSeconds(T(16) + T(17)));
    }

    /// <summary>VmRSS in MiB, or null when the process is gone.</summary>
    public static double? RssMiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb / 1024.0;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>True while a process with this pid exists and is not a zombie.</summary>
    public static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Pids whose command line mentions <paramref name="needle"/> (like `pgrep -f`), excluding this process.</summary>
    public static List<int> ProcessesMentioning(string needle)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(needle, StringComparison.Ordinal) && Alive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    public static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var index = Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1);
        return sorted[index];
    }

    public static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
