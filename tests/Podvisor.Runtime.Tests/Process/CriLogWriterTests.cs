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
