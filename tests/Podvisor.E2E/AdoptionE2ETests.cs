using System.Globalization;

namespace Podvisor.E2E;

/// <summary>kill -9 of podvisor while pods run: the next serve adopts what still runs and reports what died meanwhile.</summary>
public sealed class AdoptionE2ETests(PodvisorServer server) : IClassFixture<PodvisorServer>
{
    [Fact]
    public async Task ServeKilled_NextServeAdoptsRunningPods_AndReportsTheOneThatDiedWhileDown()
    {
        var keepMarker = "adopt-keep-" + Guid.NewGuid().ToString("N");
        var lostMarker = "adopt-lost-" + Guid.NewGuid().ToString("N");
        (await server.ApplyAsync(SleepPod("keep", keepMarker) + "---\n" + SleepPod("lost", lostMarker))).AssertSuccess();
        (await server.KubectlAsync("wait", "--for=condition=Ready", "pod/keep", "pod/lost", "--timeout=60s")).AssertSuccess();
        var keepId = (await server.KubectlAsync("get", "pod", "keep", "-o", "jsonpath={.status.containerStatuses[0].containerID}")).AssertSuccess().Stdout;
        var keepPids = ProcessesWith(keepMarker);
        var lostPids = ProcessesWith(lostMarker);
        Assert.Single(keepPids);
        Assert.Single(lostPids);

        await server.KillServeAsync();
        Assert.Equal(keepPids, ProcessesWith(keepMarker));
        // While podvisor is down one container dies; nobody is left to see its exit status.
        System.Diagnostics.Process.GetProcessById(lostPids[0]).Kill();
        await WaitUntilAsync(() => ProcessesWith(lostMarker).Count == 0, "the lost container died");
        await server.StartAsync();

        var lost = await server.WaitForAsync(
            o => o.StartsWith("1 true ", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60),
            "get", "pod", "lost", "-o",
            "jsonpath={.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].ready} {.status.containerStatuses[0].lastState.terminated.reason} {.status.containerStatuses[0].lastState.terminated.exitCode}");
        Assert.Equal("1 true ContainerStatusUnknown 137", lost);
        var keep = (await server.KubectlAsync(
            "get", "pod", "keep", "-o",
            "jsonpath={.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].ready}")).AssertSuccess().Stdout;
        Assert.Equal($"{keepId} 0 true", keep);
        Assert.Equal(keepPids, ProcessesWith(keepMarker));
        Assert.Single(ProcessesWith(lostMarker));

        (await server.KubectlAsync("delete", "pod", "keep", "lost", "--grace-period=1")).AssertSuccess();
        Assert.Empty(ProcessesWith(keepMarker));
        Assert.Empty(ProcessesWith(lostMarker));
    }

    private static string SleepPod(string name, string marker) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: busybox
            command: ["sleep", "1000"]
            env:
            - name: PODVISOR_TEST_MARKER
              value: {marker}

        """;

    /// <summary>Processes whose environment carries the marker (a zombie's environment reads empty).</summary>
    private static List<int> ProcessesWith(string marker)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "environ")).Contains("PODVISOR_TEST_MARKER=" + marker, StringComparison.Ordinal))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        pids.Sort();
        return pids;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out: " + what);
            await Task.Delay(50);
        }
    }
}
