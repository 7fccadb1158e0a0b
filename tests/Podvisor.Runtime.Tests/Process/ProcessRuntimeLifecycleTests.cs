using Podvisor.Runtime.Process;

namespace Podvisor.Runtime.Tests.Process;

public sealed class ProcessRuntimeLifecycleTests
{
    [Theory]
    [InlineData("exit 0", 0, "Completed")]
    [InlineData("exit 3", 3, "Error")]
    [InlineData("kill -TERM $$", 143, "Error")]
    [InlineData("kill -KILL $$", 137, "Error")]
    [InlineData("kill -INT $$", 130, "Error")]
    public async Task Start_ProcessEnds_ExitCodeAndReasonMapped(string script, int exitCode, string reason)
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sh", "-c", script);

        var status = await h.WaitExitAsync(id);

        Assert.Equal(ContainerRunState.Exited, status.State);
        Assert.Equal(exitCode, status.ExitCode);
        Assert.Equal(reason, status.Reason);
        Assert.NotNull(status.StartedAt);
        Assert.NotNull(status.FinishedAt);
        Assert.Null(status.Pid);
    }

    [Fact]
    public async Task Exit_DotnetProcessClassInUse_ItsSigchldHandlingDoesNotStealOurExitCodes()
    {
        // System.Diagnostics.Process installs a SIGCHLD handler; it must only reap the pids it started.
        await using var h = await RuntimeHarness.CreateAsync();
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await h.RunAsync($"c{i}", "sh", "-c", $"exit {i + 1}"));
            using var other = System.Diagnostics.Process.Start("true");
            await other.WaitForExitAsync();
        }

        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal(i + 1, (await h.WaitExitAsync(ids[i])).ExitCode);
        }
    }

    [Fact]
    public async Task Start_Running_ReportsPidLeadingItsOwnSession()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "60");

        var status = await h.Runtime.ContainerStatusAsync(id, CancellationToken.None);

        Assert.Equal(ContainerRunState.Running, status!.State);
        var stat = File.ReadAllText($"/proc/{status.Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal(status.Pid.ToString(), fields[2]); // process group
        Assert.Equal(status.Pid.ToString(), fields[3]); // session
        Assert.Equal("sleep", File.ReadAllText($"/proc/{status.Pid}/comm").Trim());
    }

    [Fact]
    public async Task Start_MissingExecutable_StartErrorWithOsMessage()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.CreateAsync(h.Config("c", "no-such-binary-podvisor"));

        var ex = await Assert.ThrowsAsync<RuntimeException>(() => h.Runtime.StartContainerAsync(id, CancellationToken.None));

        Assert.Equal(RuntimeErrorReason.StartError, ex.Reason);
        Assert.Equal("exec: \"no-such-binary-podvisor\": executable file not found in $PATH", ex.Message);
        var status = await h.Runtime.ContainerStatusAsync(id, CancellationToken.None);
        Assert.Equal(ContainerRunState.Exited, status!.State);
        Assert.Equal(128, status.ExitCode);
        Assert.Equal("StartError", status.Reason);
        Assert.Equal(ex.Message, status.Message);
        Assert.Equal(128, (await h.WaitExitAsync(id)).ExitCode);
    }

    [Fact]
    public async Task Start_NotExecutableFile_StartError()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var script = Path.Combine(h.Root, "script");
        await File.WriteAllTextAsync(script, "echo hi");
        var id = await h.CreateAsync(h.Config("c", script));

        var ex = await Assert.ThrowsAsync<RuntimeException>(() => h.Runtime.StartContainerAsync(id, CancellationToken.None));

        Assert.Equal(RuntimeErrorReason.StartError, ex.Reason);
        Assert.Contains("permission denied", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_EnvAndWorkingDir_ExactlyAsGivenPlusDefaults()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var config = h.Config("c", "sh", "-c", "env; pwd") with
        {
            WorkingDir = h.Root,
            Env = [new("FOO", "bar baz"), new("PATH", "/usr/bin:/bin")],
        };
        var id = await h.RunAsync(config);

        await h.WaitExitAsync(id);

        var lines = RuntimeHarness.Lines(config.LogPath);
        Assert.Contains("FOO=bar baz", lines);
        Assert.Contains("PATH=/usr/bin:/bin", lines);
        Assert.Contains("HOME=/root", lines);
        Assert.Equal(h.Root, lines[^1]);
        // Nothing leaks from the test process's environment.
        Assert.DoesNotContain(lines, l => l.StartsWith("DOTNET_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_SigpipeDefault_ChildDiesOnBrokenPipe()
    {
        // .NET ignores SIGPIPE; a container must not inherit that (yes | head would never end).
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sh", "-c", "yes | head -n 1 >/dev/null; echo done");

        var status = await h.WaitExitAsync(id);

        Assert.Equal(0, status.ExitCode);
    }

    [Fact]
    public async Task Stop_ProcessHandlesSigterm_ExitsCompleted()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var config = h.Config("c", "sh", "-c", "trap 'exit 0' TERM; echo ready; while :; do sleep 0.05; done");
        var id = await h.RunAsync(config);
        await RuntimeHarness.WaitUntilAsync(() => RuntimeHarness.Lines(config.LogPath).Contains("ready"), "ready");

        await h.Runtime.StopContainerAsync(id, TimeSpan.FromSeconds(30), CancellationToken.None);

        var status = await h.Runtime.ContainerStatusAsync(id, CancellationToken.None);
        Assert.Equal(0, status!.ExitCode);
        Assert.Equal("Completed", status.Reason);
    }

    [Fact]
    public async Task Stop_ProcessIgnoresSigterm_KilledAfterTimeout()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var config = h.Config("c", "sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done");
        var id = await h.RunAsync(config);
        await RuntimeHarness.WaitUntilAsync(() => RuntimeHarness.Lines(config.LogPath).Contains("ready"), "ready");

        await h.Runtime.StopContainerAsync(id, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        var status = await h.Runtime.ContainerStatusAsync(id, CancellationToken.None);
        Assert.Equal(137, status!.ExitCode);
        Assert.Equal("Error", status.Reason);
    }

    [Fact]
    public async Task Stop_Grandchildren_NothingLeftBehind()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var config = h.Config("c", "sh", "-c", "sleep 1000 & sleep 1001 & setsid sleep 1002 & echo $!; wait");
        var id = await h.RunAsync(config);
        var pid = h.Runtime.RecordedPid(id)!.Value;
        await RuntimeHarness.WaitUntilAsync(() => RuntimeHarness.Lines(config.LogPath).Count == 1, "the escaped sleep's pid");
        var escaped = int.Parse(RuntimeHarness.Lines(config.LogPath)[0]);
        h.TrackProcess(escaped);
        // setsid(1) runs as the background job and calls setsid() a moment after it starts: wait until it really left
        // the container's session (asserting at once raced it).
        await RuntimeHarness.WaitUntilAsync(
            () => Procs.LiveInSession(pid).Count >= 3 && Procs.IsAlive(escaped) && Procs.SessionOf(escaped) == escaped,
            "the background sleeps, one in a session of its own");

        await h.Runtime.StopContainerAsync(id, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Empty(Procs.LiveInSession(pid));
        Assert.False(Procs.IsAlive(escaped));
        Assert.Equal(143, (await h.Runtime.ContainerStatusAsync(id, CancellationToken.None))!.ExitCode);
    }

    [Fact]
    public async Task Exit_LeaderEndsFirst_BackgroundProcessesKilledWithIt()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var config = h.Config("c", "sh", "-c", "sleep 1000 & echo $!; exit 0");
        var id = await h.RunAsync(config);

        await h.WaitExitAsync(id);

        var sleeper = int.Parse(RuntimeHarness.Lines(config.LogPath).Single());
        await RuntimeHarness.WaitUntilAsync(() => !Procs.IsAlive(sleeper), "the background sleep to die");
    }

    [Fact]
    public async Task Stop_Twice_IdempotentAndKeepsFirstResult()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "1000");

        await h.Runtime.StopContainerAsync(id, TimeSpan.FromSeconds(30), CancellationToken.None);
        await h.Runtime.StopContainerAsync(id, TimeSpan.FromSeconds(30), CancellationToken.None);

        var status = await h.Runtime.ContainerStatusAsync(id, CancellationToken.None);
        Assert.Equal(143, status!.ExitCode);
    }

    [Fact]
    public async Task Remove_StoppedContainer_ForgottenButLogKept()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var config = h.Config("c", "echo", "hello");
        var id = await h.RunAsync(config);
        await h.WaitExitAsync(id);

        await h.Runtime.RemoveContainerAsync(id, CancellationToken.None);

        Assert.Null(await h.Runtime.ContainerStatusAsync(id, CancellationToken.None));
        Assert.Empty(await h.Runtime.ListContainersAsync(CancellationToken.None));
        Assert.Equal(["hello"], RuntimeHarness.Lines(config.LogPath));
        Assert.False(Directory.Exists(Path.Combine(h.StateDirectory, "containers", id)));
    }

    [Fact]
    public async Task RemoveSandbox_RunningContainers_KilledAndForgotten()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var a = await h.RunAsync("a", "sleep", "1000");
        var b = await h.RunAsync("b", "sh", "-c", "trap '' TERM; sleep 1000");

        await h.Runtime.StopPodSandboxAsync(h.SandboxId, CancellationToken.None);
        await h.Runtime.RemovePodSandboxAsync(h.SandboxId, CancellationToken.None);

        Assert.Empty(await h.Runtime.ListContainersAsync(CancellationToken.None));
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("emptyDir")]
    [InlineData("hostPath")]
    public async Task RunPodSandbox_Volume_UnsupportedWithClearMessage(string kind)
    {
        await using var h = await RuntimeHarness.CreateAsync();

        var ex = await Assert.ThrowsAsync<RuntimeException>(() => h.Runtime.RunPodSandboxAsync(
            new PodSandboxConfig
            {
                PodUid = "u",
                PodName = "p",
                PodNamespace = "default",
                LogDirectory = h.LogDirectory,
                Volumes = [new SandboxVolume("data", kind, "/tmp")],
            },
            CancellationToken.None));

        Assert.Equal(RuntimeErrorReason.Unsupported, ex.Reason);
        Assert.Equal(
            $"volume \"data\": {kind} volumes need the oci runtime (podvisor serve --runtime oci); the process runtime runs containers on the host filesystem",
            ex.Message);
    }

    [Fact]
    public async Task RunPodSandbox_HostNetwork_NodeIp()
    {
        await using var h = await RuntimeHarness.CreateAsync(o => o with { NodeIp = "10.1.2.3" });

        var sandbox = await h.Runtime.RunPodSandboxAsync(
            new PodSandboxConfig { PodUid = "u", PodName = "p", PodNamespace = "default", LogDirectory = h.LogDirectory },
            CancellationToken.None);

        Assert.Equal("10.1.2.3", sandbox.PodIp);
        Assert.Equal("10.1.2.3", sandbox.HostIp);
    }

    [Fact]
    public async Task Create_ImageWithoutCatalogEntryOrCommand_CreateContainerConfigError()
    {
        await using var h = await RuntimeHarness.CreateAsync();

        var ex = await Assert.ThrowsAsync<RuntimeException>(() =>
            h.CreateAsync(h.Config("c") with { Image = "example.com/team/app:1.0", Command = null }));

        Assert.Equal(RuntimeErrorReason.CreateContainerConfigError, ex.Reason);
        Assert.Equal(
            $"image \"example.com/team/app:1.0\" is not in the image catalog ({h.CatalogPath}) and the container sets no command; add the image to the catalog or set command",
            ex.Message);
    }

    [Fact]
    public async Task Create_CatalogOverrideFile_UsedForImage()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        await File.WriteAllTextAsync(h.CatalogPath, """
            images:
              team/app:
                entrypoint: ["sh", "-c"]
                cmd: ["echo from-catalog $GREETING"]
                env:
                  GREETING: hi
            """);
        var runtime = h.NewRuntime();
        var sandbox = await runtime.RunPodSandboxAsync(
            new PodSandboxConfig { PodUid = "u", PodName = "p", PodNamespace = "default", LogDirectory = h.LogDirectory },
            CancellationToken.None);
        var config = h.Config("c") with { Image = "registry.local:5000/team/app:2", Command = null };

        var id = await runtime.CreateContainerAsync(sandbox.Id, config, CancellationToken.None);
        await runtime.StartContainerAsync(id, CancellationToken.None);
        h.Track(runtime.RecordedPid(id)!.Value);
        await runtime.WaitContainerExitAsync(id, CancellationToken.None).WaitAsync(RuntimeHarness.Deadline);

        Assert.Equal(["from-catalog hi"], RuntimeHarness.Lines(config.LogPath));
    }
}
