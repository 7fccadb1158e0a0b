using System.Globalization;

namespace Podvisor.Runtime.Process;

/// <summary>The fields of /proc/&lt;pid&gt;/stat the runtime needs.</summary>
internal readonly record struct ProcStat(int Pid, char State, int ParentPid, int ProcessGroup, int Session, ulong StartTime)
{
    public bool IsZombie => State is 'Z' or 'X' or 'x';
}

internal static class ProcFs
{
    /// <summary>Null when the process does not exist (or vanished while being read).</summary>
    public static ProcStat? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        return Parse(text);
    }

    /// <summary>
    /// Parses "pid (comm) state ppid pgrp session … starttime …"; comm may hold spaces and parentheses, so
    /// fields are counted from the last ')'. starttime is field 22 (clock ticks since boot).
    /// </summary>
    public static ProcStat? Parse(string text)
    {
        var close = text.LastIndexOf(')');
        var open = text.IndexOf(' ', StringComparison.Ordinal);
        if (close < 0 || open < 0)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 20)
        {
            return null;
        }

        return new ProcStat(
            int.Parse(text.AsSpan(0, open), CultureInfo.InvariantCulture),
            fields[0][0],
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture),
            ulong.Parse(fields[19], CultureInfo.InvariantCulture));
    }

    /// <summary>Every process that is not a zombie (a zombie runs nothing; its parent reaps it).</summary>
    public static List<ProcStat> LiveProcesses()
    {
        var result = new List<ProcStat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = dir.AsSpan(6);
            if (name.IsEmpty || !char.IsAsciiDigit(name[0]) || !int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (ReadStat(pid) is { } stat && !stat.IsZombie)
            {
                result.Add(stat);
            }
        }

        return result;
    }

    /// <summary>
    /// The live processes of a container: its session, plus descendants of <paramref name="leader"/> that left
    /// the session (setsid) while their parent chain still leads back to it. One that escaped and was orphaned
    /// is out of reach: only a cgroup (the oci runtime) holds on to that.
    /// </summary>
    public static List<ProcStat> LiveContainerProcesses(List<ProcStat> all, int leader, IReadOnlySet<(int Pid, ulong StartTime)>? known = null)
    {
        var members = new Dictionary<int, ProcStat>();
        foreach (var p in all)
        {
            if (p.Session == leader || (known is not null && known.Contains((p.Pid, p.StartTime))))
            {
                members[p.Pid] = p;
            }
        }

        var children = all.ToLookup(p => p.ParentPid);
        var queue = new Queue<int>(members.Keys);
        while (queue.TryDequeue(out var pid))
        {
            foreach (var child in children[pid])
            {
                if (members.TryAdd(child.Pid, child))
                {
                    queue.Enqueue(child.Pid);
                }
            }
        }

        return [.. members.Values];
    }
}
