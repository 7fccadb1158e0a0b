namespace Podvisor.Runtime.Tests.Process;

public sealed class ProcessRuntimeLogTests
{
    [Fact]
    public async Task Logs_StdoutAndStderr_CriFormatInOrderPerStream()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var config = h.Config("c", "sh", "-c", "echo out1; echo err1 >&2; echo out2; printf 'no newline'");
        var id = await h.RunAsync(config);

        await h.WaitExitAsync(id);

        var records = RuntimeHarness.ReadLog(config.LogPath);
        Assert.Equal([("stdout", "F", "out1"), ("stdout", "F", "out2"), ("stdout", "F", "no newline")], records.Where(r => r.Stream == "stdout"));
        Assert.Equal([("stderr", "F", "err1")], records.Where(r => r.Stream == "stderr"));
    }

    [Fact]
    public async Task Logs_LineLongerThanBuffer_SplitIntoPartialsThatJoin()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var config = h.Config("c", "sh", "-c", "head -c 40000 /dev/zero | tr '\\0' x; echo; echo short");
        var id = await h.RunAsync(config);

        await h.WaitExitAsync(id);

        var records = RuntimeHarness.ReadLog(config.LogPath);
        Assert.Equal(["P", "P", "F", "F"], records.Select(r => r.Tag));
        Assert.All(records.Take(2), r => Assert.Equal(16 * 1024, r.Text.Length));
        Assert.Equal([new string('x', 40000), "short"], RuntimeHarness.Lines(config.LogPath));
    }

    [Fact]
    public async Task Logs_BeyondMaxSize_RotatedKeepingMaxFiles()
    {
        await using var h = await RuntimeHarness.CreateAsync(o => o with { LogMaxBytes = 4096, LogMaxFiles = 3 });
        var config = h.Config("c", "sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done");
        var id = await h.RunAsync(config);

        await h.WaitExitAsync(id);

        var dir = Path.GetDirectoryName(config.LogPath)!;
        Assert.Equal(["0.log", "0.log.1", "0.log.2"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var rotated = RuntimeHarness.Lines(config.LogPath + ".2")
            .Concat(RuntimeHarness.Lines(config.LogPath + ".1"))
            .Concat(RuntimeHarness.Lines(config.LogPath))
            .ToList();
        Assert.Equal("line-1999", rotated[^1]);
        // Consecutive across the kept files: oldest first, nothing lost between them.
        var first = int.Parse(rotated[0]["line-".Length..]);
        Assert.Equal(Enumerable.Range(first, 2000 - first).Select(i => $"line-{i}"), rotated);
        Assert.True(first > 0, "older lines were dropped by rotation");
        Assert.All(Directory.GetFiles(dir), f => Assert.True(new FileInfo(f).Length <= 4096 + 100));
    }

    [Fact]
    public async Task Logs_NewAttempt_PreviousLogKept()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var first = h.Config("c", "echo", "first");
        var second = h.Config("c", "echo", "second") with { Attempt = 1, LogPath = Path.Combine(h.LogDirectory, "c", "1.log") };

        await h.WaitExitAsync(await h.RunAsync(first));
        await h.WaitExitAsync(await h.RunAsync(second));

        Assert.Equal(["first"], RuntimeHarness.Lines(first.LogPath));
        Assert.Equal(["second"], RuntimeHarness.Lines(second.LogPath));
    }

    [Fact]
    public async Task Logs_ManyContainersAtOnce_EachLogComplete()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var configs = Enumerable.Range(0, 20)
            .Select(i => h.Config($"c{i}", "sh", "-c", $"i=0; while [ $i -lt 200 ]; do echo c{i}-$i; i=$((i+1)); done"))
            .ToList();
        var ids = new List<string>();
        foreach (var c in configs)
        {
            ids.Add(await h.RunAsync(c));
        }

        foreach (var id in ids)
        {
            await h.WaitExitAsync(id);
        }

        for (var i = 0; i < configs.Count; i++)
        {
            Assert.Equal(Enumerable.Range(0, 200).Select(n => $"c{i}-{n}"), RuntimeHarness.Lines(configs[i].LogPath));
        }
    }

    [Fact]
    public async Task Logs_FloodingContainer_OtherContainersStillLogged()
    {
        await using var h = await RuntimeHarness.CreateAsync(o => o with { LogMaxBytes = 1024 * 1024, LogMaxFiles = 2 });
        await h.RunAsync("flood", "sh", "-c", "yes flooding");
        var quiet = h.Config("quiet", "sh", "-c", "echo one; echo two");

        var id = await h.RunAsync(quiet);
        await h.WaitExitAsync(id);

        Assert.Equal(["one", "two"], RuntimeHarness.Lines(quiet.LogPath));
    }
}
