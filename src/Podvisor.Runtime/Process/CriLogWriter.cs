using System.Globalization;

namespace Podvisor.Runtime.Process;

internal enum LogStream
{
    Stdout,
    Stderr,
}

/// <summary>
/// Writes a container's stdout and stderr to one file in the CRI log format the kubelet reads:
/// <c>2026-01-01T00:00:00.123456700Z stdout F text</c>. A line longer than <see cref="MaxLineBytes"/> is split
/// into P (partial) records followed by an F record, as containerd does. Rotates like the kubelet: the live file
/// plus <c>.1</c> (newest) … <c>.{maxFiles-1}</c>. Not thread-safe: only the I/O loop thread writes.
/// </summary>
internal sealed class CriLogWriter : IDisposable
{
    public const int MaxLineBytes = 16 * 1024;

    private static readonly byte[] StdoutFull = " stdout F "u8.ToArray();
    private static readonly byte[] StdoutPartial = " stdout P "u8.ToArray();
    private static readonly byte[] StderrFull = " stderr F "u8.ToArray();
    private static readonly byte[] StderrPartial = " stderr P "u8.ToArray();

    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _maxFiles;
    private readonly TimeProvider _time;
    // Text of a line not yet ended, per stream. Allocated on first need and grown to at most MaxLineBytes: most
    // containers end their lines within one read, and 1,000 idle containers would otherwise hold 32 MB of buffers.
    private byte[]? _stdoutPending;
    private byte[]? _stderrPending;
    private readonly MemoryStream _out = new();
    private int _stdoutCount;
    private int _stderrCount;
    private FileStream _file;

    public CriLogWriter(string path, long maxBytes, int maxFiles, TimeProvider time)
    {
        _path = path;
        _maxBytes = maxBytes;
        _maxFiles = maxFiles;
        _time = time;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _file = OpenLive();
    }

    public string Path => _path;

    /// <summary>Appends raw bytes read from one stream; complete lines are written at once.</summary>
    public void Append(LogStream stream, ReadOnlySpan<byte> data)
    {
        ref var pending = ref stream == LogStream.Stdout ? ref _stdoutPending : ref _stderrPending;
        ref var count = ref stream == LogStream.Stdout ? ref _stdoutCount : ref _stderrCount;
        while (!data.IsEmpty)
        {
            var room = MaxLineBytes - count;
            var window = data[..Math.Min(room + 1, data.Length)];
            var newline = window.IndexOf((byte)'\n');
            if (newline >= 0 && newline <= room)
            {
                EmitHeldBackAnd(stream, full: true, ref pending, ref count, data[..newline]);
                data = data[(newline + 1)..];
            }
            else if (data.Length >= room)
            {
                EmitHeldBackAnd(stream, full: false, ref pending, ref count, data[..room]);
                data = data[room..];
            }
            else
            {
                Keep(ref pending, count, data);
                count += data.Length;
                data = default;
            }
        }

        WriteOut();
    }

    /// <summary>The stream ended: a trailing line without newline is written as a full record.</summary>
    public void Complete()
    {
        if (_stdoutCount > 0)
        {
            Emit(LogStream.Stdout, full: true, _stdoutPending!.AsSpan(0, _stdoutCount));
            _stdoutCount = 0;
        }

        if (_stderrCount > 0)
        {
            Emit(LogStream.Stderr, full: true, _stderrPending!.AsSpan(0, _stderrCount));
            _stderrCount = 0;
        }

        WriteOut();
    }

    /// <summary>
    /// Podvisor lets go of a still-running container: buffered text goes out as partial records, so the line
    /// the next instance finishes after adoption still reads as one.
    /// </summary>
    public void Detach()
    {
        if (_stdoutCount > 0)
        {
            Emit(LogStream.Stdout, full: false, _stdoutPending!.AsSpan(0, _stdoutCount));
            _stdoutCount = 0;
        }

        if (_stderrCount > 0)
        {
            Emit(LogStream.Stderr, full: false, _stderrPending!.AsSpan(0, _stderrCount));
            _stderrCount = 0;
        }

        WriteOut();
    }

    /// <summary>Copies <paramref name="more"/> after the <paramref name="count"/> bytes held back, growing the buffer.</summary>
    private static void Keep(ref byte[]? pending, int count, ReadOnlySpan<byte> more)
    {
        var needed = count + more.Length;
        if (pending is null || pending.Length < needed)
        {
            var grown = new byte[Math.Min(MaxLineBytes, Math.Max(needed, Math.Max(256, (pending?.Length ?? 0) * 2)))];
            pending.AsSpan(0, count).CopyTo(grown);
            pending = grown;
        }

        more.CopyTo(pending.AsSpan(count));
    }

    /// <summary>One record of what was held back followed by <paramref name="tail"/> (straight from it when nothing was).</summary>
    private void EmitHeldBackAnd(LogStream stream, bool full, ref byte[]? pending, ref int count, ReadOnlySpan<byte> tail)
    {
        if (count == 0)
        {
            Emit(stream, full, tail);
            return;
        }

        Keep(ref pending, count, tail);
        Emit(stream, full, pending.AsSpan(0, count + tail.Length));
        count = 0;
    }

    private void Emit(LogStream stream, bool full, ReadOnlySpan<byte> line)
    {
        Span<byte> stamp = stackalloc byte[40];
        var now = _time.GetUtcNow().UtcDateTime;
        now.TryFormat(stamp, out var written, "yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);
        _out.Write(stamp[..written]);
        _out.Write(stream == LogStream.Stdout ? (full ? StdoutFull : StdoutPartial) : (full ? StderrFull : StderrPartial));
        _out.Write(line);
        _out.WriteByte((byte)'\n');
        if (_file.Position + _out.Length >= _maxBytes)
        {
            // Rotate at a record boundary: no file grows past the limit by more than one record.
            WriteOut();
            Rotate();
        }
    }

    private void WriteOut()
    {
        if (_out.Length == 0)
        {
            return;
        }

        _file.Write(_out.GetBuffer(), 0, (int)_out.Length);
        _out.SetLength(0);
    }

    private void Rotate()
    {
        _file.Dispose();
        var oldest = $"{_path}.{_maxFiles - 1}";
        if (File.Exists(oldest))
        {
            File.Delete(oldest);
        }

        for (var i = _maxFiles - 2; i >= 1; i--)
        {
            var from = $"{_path}.{i}";
            if (File.Exists(from))
            {
                File.Move(from, $"{_path}.{i + 1}", overwrite: true);
            }
        }

        if (_maxFiles > 1)
        {
            File.Move(_path, $"{_path}.1", overwrite: true);
        }
        else
        {
            File.Delete(_path);
        }

        _file = OpenLive();
    }

    private FileStream OpenLive() =>
        new(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    public void Dispose()
    {
        _file.Dispose();
        _out.Dispose();
    }
}
