using System.Text;
using Podvisor.Runtime.Process;

namespace Podvisor.Runtime.Tests.Process;

public sealed class CriLogWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "podvisor-crilog-" + Guid.NewGuid().ToString("N"));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Append_LinesAcrossChunks_TimestampedCriRecordsPerStream()
    {
        var path = Path.Combine(_dir, "c", "0.log");
        using (var writer = new CriLogWriter(path, 1 << 20, 5, new FixedTime(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234567))))
        {
            writer.Append(LogStream.Stdout, "hel"u8);
            writer.Append(LogStream.Stderr, "warn\n"u8);
            writer.Append(LogStream.Stdout, "lo\nworld\n\n"u8);
            writer.Append(LogStream.Stdout, "tail"u8);
            writer.Complete();
        }

        Assert.Equal(
            """
            2026-03-04T05:06:07.123456700Z stderr F warn
            2026-03-04T05:06:07.123456700Z stdout F hello
            2026-03-04T05:06:07.123456700Z stdout F world
            2026-03-04T05:06:07.123456700Z stdout F 
            2026-03-04T05:06:07.123456700Z stdout F tail

            """.ReplaceLineEndings("\n"),
            File.ReadAllText(path));
    }

    [Fact]
    public void Append_LineExactlyBufferSize_OneFullRecord()
    {
        var path = Path.Combine(_dir, "0.log");
        using (var writer = new CriLogWriter(path, 1 << 20, 5, TimeProvider.System))
        {
            writer.Append(LogStream.Stdout, Encoding.ASCII.GetBytes(new string('a', CriLogWriter.MaxLineBytes) + "\n"));
        }

        var records = RuntimeHarness.ReadLog(path);
        Assert.Equal([("stdout", "F", new string('a', CriLogWriter.MaxLineBytes))], records);
    }

    [Fact]
    public void Append_LongLineInSmallChunks_PartialRecordsOfMaxSizeThenFull_StreamsKeptApart()
    {
        // The held-back buffer grows from nothing across many reads; a line longer than MaxLineBytes is cut into
        // P records of exactly MaxLineBytes, and the other stream's text in between is not mixed into it.
        var path = Path.Combine(_dir, "0.log");
        var line = string.Concat(Enumerable.Range(0, 2 * CriLogWriter.MaxLineBytes + 100).Select(i => (char)('a' + (i % 26))));
        using (var writer = new CriLogWriter(path, 1 << 22, 5, TimeProvider.System))
        {
            var bytes = Encoding.ASCII.GetBytes(line + "\n");
            for (var i = 0; i < bytes.Length; i += 700)
            {
                writer.Append(LogStream.Stdout, bytes.AsSpan(i, Math.Min(700, bytes.Length - i)));
                if (i == 7000)
                {
                    writer.Append(LogStream.Stderr, "in between\n"u8);
                }
            }
        }

        var records = RuntimeHarness.ReadLog(path);
        Assert.Equal(
            [("stderr", "F", 10), ("stdout", "P", CriLogWriter.MaxLineBytes), ("stdout", "P", CriLogWriter.MaxLineBytes), ("stdout", "F", 100)],
            records.Select(r => (r.Stream, r.Tag, r.Text.Length)));
        Assert.Equal(line, string.Concat(records.Where(r => r.Stream == "stdout").Select(r => r.Text)));
        Assert.Equal("in between", records[0].Text);
    }

    [Fact]
    public void Detach_PendingText_WrittenAsPartialSoTheNextWriterCompletesIt()
    {
        var path = Path.Combine(_dir, "0.log");
        using (var first = new CriLogWriter(path, 1 << 20, 5, TimeProvider.System))
        {
            first.Append(LogStream.Stdout, "half a "u8);
            first.Detach();
        }

        using (var second = new CriLogWriter(path, 1 << 20, 5, TimeProvider.System))
        {
            second.Append(LogStream.Stdout, "line\n"u8);
        }

        Assert.Equal(["P", "F"], RuntimeHarness.ReadLog(path).Select(r => r.Tag));
        Assert.Equal(["half a line"], RuntimeHarness.Lines(path));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
