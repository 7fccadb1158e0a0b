using System.Text;
using System.Text.Json.Nodes;
using Podvisor.Runtime.Process;
using Podvisor.Runtime.Process.Native;

namespace Podvisor.Runtime.Tests.Process;

/// <summary>
/// A crash of Podvisor is simulated by disposing a runtime (it lets go of its fds and never signals) and opening
/// a new one over the same state directory. The containers stay children of the test process, so unlike after a
/// real crash the new instance can still reap them and learn their exit code.
/// </summary>
public sealed class ProcessRuntimeAdoptionTests
{
    private const string Counter = "i=0; while :; do echo line-$i; i=$((i+1)); sleep 0.01; done";

    [Fact]
    public async Task Load_RunningContainer_AdoptedSamePidAndLogsContinueWithoutLoss()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var config = h.Config("c", "sh", "-c", Counter);
        var id = await h.RunAsync(config);
        var pid = h.Runtime.RecordedPid(id)!.Value;
        await RuntimeHarness.WaitUntilAsync(() => RuntimeHarness.Lines(config.LogPath).Count >= 5, "first lines");

        await h.Runtime.DisposeAsync();
        var before = RuntimeHarness.Lines(config.LogPath).Count;
        var runtime = h.NewRuntime();

        var status = await runtime.ContainerStatusAsync(id, CancellationToken.None);
        Assert.Equal(ContainerRunState.Running, status!.State);
        Assert.Equal(pid, status.Pid);
        Assert.Equal(config.LogPath, status.LogPath);
        await RuntimeHarness.WaitUntilAsync(() => RuntimeHarness.Lines(config.LogPath).Count >= before + 20, "lines written after adoption");

        await runtime.StopContainerAsync(id, TimeSpan.FromSeconds(30), CancellationToken.None);

        var lines = RuntimeHarness.Lines(config.LogPath);
        Assert.Equal(Enumerable.Range(0, lines.Count).Select(i => $"line-{i}"), lines);
        Assert.Equal(ContainerRunState.Exited, (await runtime.ContainerStatusAsync(id, CancellationToken.None))!.State);
        Assert.Empty(Procs.LiveInSession(pid));
    }

    [Fact]
    public async Task Load_RunningContainer_ExitAfterAdoptionDetected()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "1000");
        var pid = h.Runtime.RecordedPid(id)!.Value;
        await h.Runtime.DisposeAsync();
        var runtime = h.NewRuntime();

        Assert.Equal(0, LibC.kill(pid, LibC.SIGTERM));
        var status = await runtime.WaitContainerExitAsync(id, CancellationToken.None).WaitAsync(RuntimeHarness.Deadline);

        Assert.Equal(ContainerRunState.Exited, status.State);
        Assert.Equal(143, status.ExitCode);
    }

    [Fact]
    public async Task Load_RecordInTheEarlierJsonFile_AdoptedAndRewrittenInPlaceFormat()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "1000");
        var pid = h.Runtime.RecordedPid(id)!.Value;
        await h.Runtime.DisposeAsync();
        var dir = Path.Combine(h.StateDirectory, "containers", id);
        var legacy = Path.Combine(dir, "state.json");
        File.WriteAllBytes(legacy, StateFile.Read(ContainerEntry.StateFileIn(dir), out _)!);
        File.Delete(ContainerEntry.StateFileIn(dir));

        var runtime = h.NewRuntime();

        var status = await runtime.ContainerStatusAsync(id, CancellationToken.None);
        Assert.Equal(ContainerRunState.Running, status!.State);
        Assert.Equal(pid, status.Pid);
        Assert.False(File.Exists(legacy));
        Assert.NotNull(StateFile.Read(ContainerEntry.StateFileIn(dir), out var version));
        Assert.True(version.Exists);

        await runtime.StopContainerAsync(id, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Empty(Procs.LiveInSession(pid));
    }

    [Fact]
    public async Task Load_PidStartTimeDiffers_NotAdoptedAndProcessLeftAlone()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "1000");
        var pid = h.Runtime.RecordedPid(id)!.Value;
        await h.Runtime.DisposeAsync();
        var stateFile = ContainerEntry.StateFileIn(Path.Combine(h.StateDirectory, "containers", id));
        var json = JsonNode.Parse(StateFile.Read(stateFile, out var version))!;
        json["ProcessStartTime"] = json["ProcessStartTime"]!.GetValue<ulong>() + 1;
        StateFile.Write(stateFile, Encoding.UTF8.GetBytes(json.ToJsonString()), version);

        var runtime = h.NewRuntime();

        var status = await runtime.ContainerStatusAsync(id, CancellationToken.None);
        Assert.Equal(ContainerRunState.Exited, status!.State);
        Assert.Equal(ProcessRuntime.StatusUnknownReason, status.Reason);
        Assert.Equal(137, status.ExitCode);
        Assert.Equal(ProcessRuntime.LostMessage, status.Message);
        Assert.True(Procs.IsAlive(pid), "a process whose start time does not match must not be touched");

        // The runtime no longer owns it; the test does.
        LibC.kill(-pid, LibC.SIGKILL);
        Assert.Equal(pid, LibC.waitpid(pid, out _, 0));
    }

    [Fact]
    public async Task Load_ProcessGone_ExitedWithUnknownStatus()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var id = await h.RunAsync("c", "sleep", "1000");
        var pid = h.Runtime.RecordedPid(id)!.Value;
        await h.Runtime.DisposeAsync();
        LibC.kill(-pid, LibC.SIGKILL);
        Assert.Equal(pid, LibC.waitpid(pid, out _, 0));

        var runtime = h.NewRuntime();

        var status = await runtime.ContainerStatusAsync(id, CancellationToken.None);
        Assert.Equal(ContainerRunState.Exited, status!.State);
        Assert.Equal("ContainerStatusUnknown", status.Reason);
        Assert.Equal(137, status.ExitCode);
        Assert.Equal((await runtime.WaitContainerExitAsync(id, CancellationToken.None)).Reason, status.Reason);
        // The state file says so too, so a third instance agrees.
        await runtime.DisposeAsync();
        Assert.Equal("ContainerStatusUnknown", (await h.NewRuntime().ContainerStatusAsync(id, CancellationToken.None))!.Reason);
    }

    [Fact]
    public async Task Load_ExitedAndCreatedContainers_KeptAsTheyWere()
    {
        await using var h = await RuntimeHarness.CreateAsync();
        var done = await h.RunAsync("done", "sh", "-c", "exit 5");
        await h.WaitExitAsync(done);
        var createdConfig = h.Config("created", "echo", "later");
        var created = await h.CreateAsync(createdConfig);
        await h.Runtime.DisposeAsync();

        var runtime = h.NewRuntime();

        var doneStatus = await runtime.ContainerStatusAsync(done, CancellationToken.None);
        Assert.Equal((ContainerRunState.Exited, 5, "Error"), (doneStatus!.State, doneStatus.ExitCode, doneStatus.Reason));
        Assert.Equal(ContainerRunState.Created, (await runtime.ContainerStatusAsync(created, CancellationToken.None))!.State);
        await runtime.StartContainerAsync(created, CancellationToken.None);
        h.Track(runtime.RecordedPid(created)!.Value);
        await runtime.WaitContainerExitAsync(created, CancellationToken.None).WaitAsync(RuntimeHarness.Deadline);
        Assert.Equal(["later"], RuntimeHarness.Lines(createdConfig.LogPath));
        Assert.Equal(2, (await runtime.ListContainersAsync(CancellationToken.None)).Count);
    }
}
