using System.Globalization;

namespace Podvisor.Runtime.Process;

/// <summary>The fields of /proc/&lt;pid&gt;/stat the runtime needs.</summary>
internal readonly record struct ProcStat(int Pid, char State, int ProcessGroup, int Session, ulong StartTime)
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
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture),
            ulong.Parse(fields[19], CultureInfo.InvariantCulture));
    }

    /// <summary>Processes of a session that are not zombies (a zombie runs nothing; its parent reaps it).</summary>
    public static List<ProcStat> LiveSessionMembers(int session)
    {
        var result = new List<ProcStat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = dir.AsSpan(6);
            if (name.IsEmpty || !char.IsAsciiDigit(name[0]) || !int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (ReadStat(pid) is { } stat && stat.Session == session && !stat.IsZombie)
            {
                result.Add(stat);
            }
        }

        return result;
    }
}
