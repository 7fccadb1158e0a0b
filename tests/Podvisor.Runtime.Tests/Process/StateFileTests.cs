using System.Text;
using Podvisor.Runtime.Process;

namespace Podvisor.Runtime.Tests.Process;

public sealed class StateFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podvisor-statefile-").FullName;

    private string Path_ => Path.Combine(_dir, "state");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_ThenRead_ReturnsTheNewestRecord()
    {
        var v1 = StateFile.Write(Path_, Bytes("{\"a\":1}"), StateFileVersion.None);
        var v2 = StateFile.Write(Path_, Bytes("{\"a\":22}"), v1);
        var v3 = StateFile.Write(Path_, Bytes("{\"a\":3}"), v2);

        Assert.Equal("{\"a\":3}", Text(StateFile.Read(Path_, out var read)));
        Assert.Equal(v3, read);
        Assert.Equal(3, v3.Generation);
        Assert.Equal(StateFile.MinSlotSize, v3.SlotSize);
    }

    [Fact]
    public void Write_AfterTheFirst_RewritesTheSameFileInPlace()
    {
        var v = StateFile.Write(Path_, Bytes("{\"n\":0}"), StateFileVersion.None);

        // A handle opened now still reads the file's current content only if no write replaced the file.
        using var before = File.OpenHandle(Path_, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        for (var i = 1; i <= 10; i++)
        {
            v = StateFile.Write(Path_, Bytes($"{{\"n\":{i}}}"), v);
        }

        var seen = new byte[RandomAccess.GetLength(before)];
        RandomAccess.Read(before, seen, 0);
        Assert.Equal("{\"n\":10}", Text(StateFile.Parse(seen, out _)));
        Assert.Equal(["state"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Equal(2L * StateFile.MinSlotSize, new FileInfo(Path_).Length);
        Assert.Equal("{\"n\":10}", Text(StateFile.Read(Path_, out _)));
    }

    [Fact]
    public void Read_NewestSlotTorn_ReturnsThePreviousRecord()
    {
        var v1 = StateFile.Write(Path_, Bytes("{\"old\":true}"), StateFileVersion.None);
        var v2 = StateFile.Write(Path_, Bytes("{\"new\":true,\"pad\":\"" + new string('x', 300) + "\"}"), v1);

        // A crash in the middle of the write: the newest slot's tail never reached the file.
        using (var handle = File.OpenHandle(Path_, FileMode.Open, FileAccess.Write))
        {
            RandomAccess.Write(handle, new byte[100], (v2.Generation % 2 * v2.SlotSize) + 200);
        }

        Assert.Equal("{\"old\":true}", Text(StateFile.Read(Path_, out var read)));
        Assert.Equal(v1, read);
    }

    [Fact]
    public void Read_BothSlotsDamaged_ReturnsNull()
    {
        StateFile.Write(Path_, Bytes("{\"a\":1}"), StateFileVersion.None);
        File.WriteAllBytes(Path_, new byte[2 * StateFile.MinSlotSize]);

        Assert.Null(StateFile.Read(Path_, out var read));
        Assert.False(read.Exists);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    [InlineData(StateFile.MinSlotSize)]
    public void Read_TruncatedOrForeignFile_ReturnsNull(int length)
    {
        File.WriteAllBytes(Path_, Enumerable.Repeat((byte)'P', length).ToArray());

        Assert.Null(StateFile.Read(Path_, out _));
    }

    [Fact]
    public void Read_MissingFile_ReturnsNull()
    {
        Assert.Null(StateFile.Read(Path.Combine(_dir, "nothing", "state"), out var read));
        Assert.False(read.Exists);
    }

    [Fact]
    public void Read_PlainJson_IsTheEarlierFormatAtGenerationZero()
    {
        File.WriteAllText(Path_, "{\"Id\":\"x\"}");

        Assert.Equal("{\"Id\":\"x\"}", Text(StateFile.Read(Path_, out var read)));
        Assert.False(read.Exists);
    }

    [Fact]
    public void Write_RecordLargerThanTheSlot_GrowsTheSlotsAndKeepsReading()
    {
        var v1 = StateFile.Write(Path_, Bytes("{\"small\":1}"), StateFileVersion.None);
        var big = "{\"big\":\"" + new string('y', 3 * StateFile.MinSlotSize) + "\"}";

        var v2 = StateFile.Write(Path_, Bytes(big), v1);
        var v3 = StateFile.Write(Path_, Bytes("{\"small\":3}"), v2);

        Assert.Equal(4 * StateFile.MinSlotSize, v2.SlotSize);
        Assert.Equal(v2.SlotSize, v3.SlotSize);
        Assert.Equal("{\"small\":3}", Text(StateFile.Read(Path_, out var read)));
        Assert.Equal(v3, read);
        Assert.Equal(["state"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static string? Text(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);
}
