using System.Globalization;
using System.Text;

namespace Podvisor.Api.Streaming;

/// <summary>The query parameters of GET pods/{name}/log that shape the output.</summary>
public sealed record LogOptions
{
    public bool Follow { get; init; }

    public long? TailLines { get; init; }

    public DateTimeOffset? Since { get; init; }

    public bool Timestamps { get; init; }

    public long? LimitBytes { get; init; }
}

/// <summary>
/// Turns a CRI-format container log into what kubectl logs prints: the text of each entry (partial entries joined),
/// optionally prefixed with its timestamp, filtered by since/tail and cut at limitBytes; in follow mode it keeps
/// reading until the instance exits or the client goes away.
/// </summary>
internal sealed class CriLogStreamer(TimeProvider time)
{
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(100);

    public async Task StreamAsync(ContainerLogLocation location, LogOptions options, Stream output, CancellationToken ct)
    {
        long written = 0;
        await ReadAsync(location, options, WriteAsync, () => output.FlushAsync(ct), ct);

        async ValueTask<bool> WriteAsync(CriLogLine line)
        {
            var text = options.Timestamps
                ? line.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + " " + line.Text
                : line.Text;
            var bytes = Encoding.UTF8.GetBytes(text);
            if (options.LimitBytes is { } limit)
            {
                var room = limit - written;
                if (room <= 0)
                {
                    return false;
                }

                if (bytes.Length > room)
                {
                    await output.WriteAsync(bytes.AsMemory(0, (int)room), ct);
                    written = limit;
                    return false;
                }
            }

            await output.WriteAsync(bytes, ct);
            written += bytes.Length;
            return true;
        }
    }

    /// <summary>
    /// Hands each entry (partial entries joined, per stream) to <paramref name="sink"/> until it returns false, the
    /// file is read (not following) or the instance exits (following); <paramref name="flush"/> runs after each batch.
    /// </summary>
    public async Task ReadAsync(ContainerLogLocation location, LogOptions options, Func<CriLogLine, ValueTask<bool>> sink, Func<Task> flush, CancellationToken ct)
    {
        if (!File.Exists(location.Path))
        {
            return;
        }

        // Initial content: whole lines only, with tail applied.
        var partial = new PartialLines();
        var lines = new List<CriLogLine>();
        var position = ReadLines(location.Path, 0, lines, partial);
        IEnumerable<CriLogLine> selected = lines;
        if (options.Since is { } since)
        {
            selected = selected.Where(l => l.Time >= since);
        }

        if (options.TailLines is { } tail)
        {
            var list = selected.ToList();
            selected = list.Skip(Math.Max(0, list.Count - (int)Math.Min(tail, int.MaxValue)));
        }

        foreach (var line in selected)
        {
            if (!await sink(line))
            {
                return;
            }
        }

        await flush();
        if (!options.Follow)
        {
            return;
        }

        while (!ct.IsCancellationRequested)
        {
            var exited = location.Exited.IsCompleted;
            lines.Clear();
            if (File.Exists(location.Path))
            {
                var length = new FileInfo(location.Path).Length;
                if (length < position)
                {
                    position = 0; // rotated: the live file starts again
                }

                position = ReadLines(location.Path, position, lines, partial);
            }

            foreach (var line in lines)
            {
                if (options.Since is { } s && line.Time < s)
                {
                    continue;
                }

                if (!await sink(line))
                {
                    return;
                }
            }

            if (lines.Count > 0)
            {
                await flush();
            }

            if (exited)
            {
                return;
            }

            try
            {
                await Task.WhenAny(Task.Delay(FollowPoll, time, ct), location.Exited);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Reads complete lines from position; returns the position after the last complete line.</summary>
    private static long ReadLines(string path, long position, List<CriLogLine> lines, PartialLines partial)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (position > stream.Length)
        {
            position = 0;
        }

        stream.Seek(position, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - position];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var consumed = 0;
        for (var i = 0; i < read; i++)
        {
            if (buffer[i] != (byte)'\n')
            {
                continue;
            }

            var raw = Encoding.UTF8.GetString(buffer, consumed, i - consumed);
            consumed = i + 1;
            if (CriLogLine.TryParse(raw, out var time, out var isPartial, out var text, out var stderr))
            {
                var pending = stderr ? partial.Stderr : partial.Stdout;
                pending.Append(text);
                if (!isPartial)
                {
                    lines.Add(new CriLogLine(time, pending.Append('\n').ToString(), stderr));
                    pending.Clear();
                }
            }
        }

        return position + consumed;
    }
}

/// <summary>Text of P (partial) records not yet ended by their F record, one buffer per stream.</summary>
internal sealed class PartialLines
{
    public StringBuilder Stdout { get; } = new();

    public StringBuilder Stderr { get; } = new();
}

/// <summary>One log entry: its time, its text including the trailing newline, and whether it came from stderr.</summary>
internal readonly record struct CriLogLine(DateTimeOffset Time, string Text, bool Stderr = false)
{
    /// <summary>Parses "&lt;time&gt; &lt;stream&gt; &lt;P|F&gt; &lt;text&gt;".</summary>
    public static bool TryParse(string raw, out DateTimeOffset time, out bool partial, out string text, out bool stderr)
    {
        time = default;
        partial = false;
        text = "";
        stderr = false;
        var first = raw.IndexOf(' ', StringComparison.Ordinal);
        if (first < 0)
        {
            return false;
        }

        var second = raw.IndexOf(' ', first + 1);
        if (second < 0 || !DateTimeOffset.TryParse(raw.AsSpan(0, first), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time))
        {
            return false;
        }

        stderr = raw.AsSpan(first + 1, second - first - 1).SequenceEqual("stderr");
        var third = raw.IndexOf(' ', second + 1);
        var tag = third < 0 ? raw[(second + 1)..] : raw[(second + 1)..third];
        partial = tag.StartsWith('P');
        text = third < 0 ? "" : raw[(third + 1)..];
        return true;
    }
}
