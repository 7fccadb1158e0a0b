namespace Podvisor.E2E;

/// <summary>The seeds' demos through kubectl: liveness restarts with events, hooks, graceful stop.</summary>
public sealed class SeedExamplesE2ETests(PodvisorServer server) : IClassFixture<PodvisorServer>
{
    /// <summary>The repository's shared/ folder sits beside the checkout.</summary>
    internal static string ExamplesDir
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Podvisor.slnx")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.Parent?.FullName ?? throw new InvalidOperationException("repository root not found"), "shared", "examples");
        }
    }

    [Fact]
    public async Task LivenessExec_ShortenedSeed_RestartsAndDescribeShowsEvents()
    {
        // The seed's liveness-exec with its timings shortened (healthy for 3 s, probed every second) and a private file.
        var healthy = Path.Combine(server.DataDir, "healthy");
        var manifest = (await File.ReadAllTextAsync(Path.Combine(ExamplesDir, "liveness-exec.yaml")))
            .Replace("/tmp/healthy", healthy, StringComparison.Ordinal)
            .Replace("sleep 30;", "sleep 3;", StringComparison.Ordinal)
            .Replace("initialDelaySeconds: 5", "initialDelaySeconds: 1", StringComparison.Ordinal)
            .Replace("periodSeconds: 5", "periodSeconds: 1", StringComparison.Ordinal);
        (await server.ApplyAsync(manifest)).AssertSuccess();

        await server.WaitForAsync(o => int.TryParse(o, out var restarts) && restarts >= 1, TimeSpan.FromSeconds(60), "get", "pod", "liveness-exec", "-o", "jsonpath={.status.containerStatuses[0].restartCount}");

        var describe = (await server.KubectlAsync("describe", "pod", "liveness-exec")).AssertSuccess().Stdout;
        Assert.Matches(@"Restart Count:\s+[1-9]", describe);
        Assert.Matches(@"Last State:\s+Terminated", describe);
        Assert.Matches(@"Ready:\s+(True|False)", describe);
        Assert.Contains("Conditions:", describe, StringComparison.Ordinal);
        Assert.Matches(@"Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default/liveness-exec to ", describe);
        Assert.Matches(@"Normal\s+Created\s+.*Created container: liveness", describe);
        Assert.Matches(@"Normal\s+Started\s+.*Started container liveness", describe);
        Assert.Matches(@"Warning\s+Unhealthy\s+.*Liveness probe failed: cat: " + System.Text.RegularExpressions.Regex.Escape(healthy) + ": No such file or directory", describe);
        Assert.Matches(@"Normal\s+Killing\s+.*Container liveness failed liveness probe, will be restarted", describe);
        var restarts = (await server.KubectlAsync("get", "pod", "liveness-exec")).AssertSuccess().Stdout;
        Assert.Matches(@"liveness-exec\s+\d/1\s+\S+\s+[1-9]\d* \(\d+s ago\)", restarts);
        var previous = await server.KubectlAsync("logs", "liveness-exec", "--previous");
        Assert.Equal(0, previous.ExitCode);
    }

    [Fact]
    public async Task ProbesAndHooks_Seed_RunsPostStartAndPreStopAroundTheApp()
    {
        var state = Path.Combine(server.DataDir, "graceful-app.state");
        var port = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var manifest = (await File.ReadAllTextAsync(Path.Combine(ExamplesDir, "probes-and-hooks.yaml")))
            .Replace("/tmp/graceful-app.state", state, StringComparison.Ordinal)
            .Replace("7800", port, StringComparison.Ordinal)
            .Replace("periodSeconds: 5", "periodSeconds: 1", StringComparison.Ordinal);
        (await server.ApplyAsync(manifest)).AssertSuccess();

        (await server.KubectlAsync("wait", "--for=condition=Ready", "pod/graceful-app", "--timeout=60s")).AssertSuccess();
        Assert.Equal("online\n", await File.ReadAllTextAsync(state));
        (await server.KubectlAsync("delete", "pod", "graceful-app")).AssertSuccess();

        Assert.Equal("offline\n", await File.ReadAllTextAsync(state));
    }

    [Fact]
    public async Task PrestopUses_Seed_ShredsTheSecretBeforeTheContainerStops()
    {
        var secret = Path.Combine(server.DataDir, "sensitive");
        var manifest = (await File.ReadAllTextAsync(Path.Combine(ExamplesDir, "prestop-uses.yaml")))
            .Replace("/tmp/sensitive", secret, StringComparison.Ordinal)
            .Replace("/tmp/cache-*", Path.Combine(server.DataDir, "cache-*"), StringComparison.Ordinal);
        (await server.ApplyAsync(manifest)).AssertSuccess();
        (await server.KubectlAsync("wait", "--for=condition=Ready", "pod/prestop-uses", "--timeout=60s")).AssertSuccess();
        Assert.True(File.Exists(secret));

        (await server.KubectlAsync("delete", "pod", "prestop-uses")).AssertSuccess();

        Assert.False(File.Exists(secret), "preStop should have shredded the file");
    }

    [Fact]
    public async Task NginxSeeds_MyPodServesHttp_GracestopQuitsByPreStop_HostPathAndEmptyDirExplainTheRuntime()
    {
        // my-pod as the seed wrote it: nginx (image catalog: nginx -g 'daemon off;') on the host's port 80.
        (await server.KubectlAsync("apply", "-f", Path.Combine(ExamplesDir, "my-pod.yaml"))).AssertSuccess();
        (await server.KubectlAsync("wait", "--for=condition=Ready", "pod/my-pod", "--timeout=60s")).AssertSuccess();
        using (var http = new System.Net.Http.HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            using var page = await http.GetAsync(new Uri("http://127.0.0.1:80/"));
            Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("nginx", page.Headers.Server.First().Product?.Name);
        }

        (await server.KubectlAsync("delete", "pod", "my-pod")).AssertSuccess();

        // gracestop: hook-demo2 stops through its preStop (nginx -s quit); hook-demo3's hostPath needs the pod sandbox.
        (await server.KubectlAsync("apply", "-f", Path.Combine(ExamplesDir, "gracestop.yaml"))).AssertSuccess();
        (await server.KubectlAsync("wait", "--for=condition=Ready", "pod/hook-demo2", "--timeout=60s")).AssertSuccess();
        var events = await server.WaitForAsync(
            o => o.Contains("FailedCreatePodSandBox", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "get", "events", "--field-selector", "involvedObject.name=hook-demo3", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}");
        Assert.Contains("hostPath volumes need the oci runtime", events, StringComparison.Ordinal);
        (await server.KubectlAsync("delete", "pod", "hook-demo2")).AssertSuccess();
        var terminated = (await server.KubectlAsync("get", "events", "--field-selector", "involvedObject.name=hook-demo2", "-o", "jsonpath={.items[*].reason}")).AssertSuccess().Stdout;
        Assert.Contains("Killing", terminated, StringComparison.Ordinal);
        Assert.DoesNotContain("FailedPreStopHook", terminated, StringComparison.Ordinal);
        Assert.Empty(System.Diagnostics.Process.GetProcessesByName("nginx"));
        (await server.KubectlAsync("delete", "pod", "hook-demo3", "--grace-period=0", "--force")).AssertSuccess();

        // init-pod: the init container and nginx share an emptyDir, which the process runtime cannot give them.
        (await server.KubectlAsync("apply", "-f", Path.Combine(ExamplesDir, "init-pod.yaml"))).AssertSuccess();
        var init = await server.WaitForAsync(
            o => o.Contains("FailedCreatePodSandBox", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "describe", "pod", "first-demo");
        Assert.Contains("emptyDir volumes need the oci runtime", init, StringComparison.Ordinal);
        Assert.Matches(@"first-demo\s+0/1\s+Init:0/1", (await server.KubectlAsync("get", "pod", "first-demo")).AssertSuccess().Stdout);
        (await server.KubectlAsync("delete", "pod", "first-demo", "--grace-period=0", "--force")).AssertSuccess();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
