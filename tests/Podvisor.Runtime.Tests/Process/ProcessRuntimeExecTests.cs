using Podvisor.Runtime.Process;

namespace Podvisor.Runtime.Tests.Process;

public sealed class ProcessRuntimeExecTests
{
    [Fact]
    public async Task ExecSync_Success_CombinedOutputWithContainerEnvAndDir()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync(h.Config("c", "sleep", "1000") with { Env = [new("GREETING", "hello")], WorkingDir = h.Root });

        var result = await h.Runtime.ExecSyncAsync(id, ["sh", "-c", "echo $GREETING; pwd; echo oops >&2"], TimeSpan.FromSeconds(30), 4096, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.Equal($"hello\n{h.Root}\noops\n", result.Output);
    }

    [Fact]
    public async Task ExecSync_Failure_ExitCodeReported()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "1000");

        var result = await h.Runtime.ExecSyncAsync(id, ["sh", "-c", "echo failing; exit 7"], TimeSpan.FromSeconds(30), 4096, CancellationToken.None);

        Assert.Equal(7, result.ExitCode);
        Assert.Equal("failing\n", result.Output);
    }

    [Fact]
    public async Task ExecSync_MissingExecutable_127WithMessage()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "1000");

        var result = await h.Runtime.ExecSyncAsync(id, ["no-such-probe-binary"], TimeSpan.FromSeconds(30), 4096, CancellationToken.None);

        Assert.Equal(127, result.ExitCode);
        Assert.Equal("exec: \"no-such-probe-binary\": executable file not found in $PATH", result.Output);
    }

    [Fact]
    public async Task ExecSync_Timeout_KillsWholeGroupAndReportsTimedOut()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "1000");

        var result = await h.Runtime.ExecSyncAsync(id, ["sh", "-c", "echo $$; sleep 1000 & sleep 1001"], TimeSpan.FromMilliseconds(200), 4096, CancellationToken.None);

        Assert.True(result.TimedOut);
        Assert.Equal(137, result.ExitCode);
        var session = int.Parse(result.Output.Trim());
        h.Track(session);
        await RuntimeHarness.WaitUntilAsync(() => Procs.LiveInSession(session).Count == 0, "the exec's group to be gone");
    }

    [Fact]
    public async Task ExecSync_OutputOverLimit_TruncatedButProcessCompletes()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "1000");

        // 1 MiB: far more than a pipe holds, so the exec only finishes if output keeps being drained.
        var result = await h.Runtime.ExecSyncAsync(id, ["sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' y; exit 3"], TimeSpan.FromSeconds(30), 100, CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(new string('y', 100), result.Output);
    }

    [Fact]
    public async Task ExecSync_ManyConcurrent_AllComplete()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "1000");

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            h.Runtime.ExecSyncAsync(id, ["sh", "-c", $"echo {i}; exit {i % 3}"], TimeSpan.FromSeconds(30), 4096, CancellationToken.None)));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal($"{i}\n", results[i].Output);
            Assert.Equal(i % 3, results[i].ExitCode);
        }
    }

    [Fact]
    public async Task ExecAsync_Interactive_StdinToStdoutAndExitCode()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "1000");

        await using var session = await h.Runtime.ExecAsync(id, ["sh", "-c", "read line; echo got:$line; echo to-err >&2; exit 4"], tty: false, CancellationToken.None);
        await session.Stdin.WriteAsync("ping\n"u8.ToArray());
        await session.Stdin.FlushAsync();
        using var stdout = new StreamReader(session.Stdout);
        using var stderr = new StreamReader(session.Stderr);

        Assert.Equal("got:ping\n", await stdout.ReadToEndAsync().WaitAsync(RuntimeHarness.Deadline));
        Assert.Equal("to-err\n", await stderr.ReadToEndAsync().WaitAsync(RuntimeHarness.Deadline));
        Assert.Equal(4, await session.ExitCode.WaitAsync(RuntimeHarness.Deadline));
    }

    [Fact]
    public async Task ExecAsync_DisposedWhileRunning_ProcessKilled()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "1000");
        var session = await h.Runtime.ExecAsync(id, ["sh", "-c", "echo $$; sleep 1000"], tty: false, CancellationToken.None);
        var reader = new StreamReader(session.Stdout);
        var pid = int.Parse((await reader.ReadLineAsync().WaitAsync(RuntimeHarness.Deadline))!);
        h.Track(pid);

        await session.DisposeAsync().AsTask().WaitAsync(RuntimeHarness.Deadline);

        Assert.Equal(137, await session.ExitCode);
        Assert.False(Procs.IsAlive(pid));
    }
}
