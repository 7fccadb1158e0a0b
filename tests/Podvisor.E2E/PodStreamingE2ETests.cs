using System.Net;
using System.Net.Sockets;

namespace Podvisor.E2E;

/// <summary>logs, exec, attach and port-forward through the real kubectl to real container processes.</summary>
public sealed class PodStreamingE2ETests(PodvisorServer server) : IClassFixture<PodvisorServer>
{
    [Fact]
    public async Task Logs_TailTimestampsContainerAndFollow()
    {
        (await server.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: talker
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: counter
                image: busybox
                command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo line $i; sleep 0.3; done"]
              - name: quiet
                image: busybox
                command: ["sh", "-c", "echo from quiet; exec sleep 600"]
            """)).AssertSuccess();
        await server.WaitForAsync(o => o.Contains("line 3", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "logs", "talker", "-c", "counter");

        var tail = (await server.KubectlAsync("logs", "talker", "-c", "counter", "--tail=1")).AssertSuccess().Stdout;
        Assert.Matches(@"^line \d+\n$", tail);
        var stamped = (await server.KubectlAsync("logs", "talker", "-c", "counter", "--tail=2", "--timestamps")).AssertSuccess().Stdout;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line \d+\n", stamped);
        Assert.Equal("from quiet\n", (await server.KubectlAsync("logs", "talker", "-c", "quiet")).AssertSuccess().Stdout);

        // -f --tail=1 starts at the newest line (however many the counter wrote since the --tail above) and then
        // streams: three lines later than the first one it printed, in order, prove lines arrive as written.
        var current = LineNumber(tail);
        using var follow = server.StartKubectl("logs", "-f", "talker", "-c", "counter", "--tail=1");
        await follow.WaitForOutputAsync(o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries) is { Length: >= 4 }, TimeSpan.FromSeconds(30));
        var followed = follow.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(LineNumber).ToList();
        Assert.True(followed[0] >= current, $"follow began at line {followed[0]}, before --tail's line {current}");
        Assert.Equal(Enumerable.Range(followed[0], followed.Count), followed);
        Assert.False(follow.HasExited);

        static int LineNumber(string line) => int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Attach_StreamsNewOutputStdoutAndStderrApart_SinceSecondsFilters_StdinRefusedClearly()
    {
        (await server.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: ticker
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
                command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo out $i; echo err $i >&2; sleep 0.3; done"]
            """)).AssertSuccess();
        await server.WaitForAsync(o => o.Contains("out 3", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "logs", "ticker");

        var before = (await server.KubectlAsync("logs", "ticker", "--tail=1")).AssertSuccess().Stdout;
        var seen = int.Parse(before.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        using (var attach = server.StartKubectl("attach", "ticker"))
        {
            await attach.WaitForOutputAsync(o => o.Contains($"out {seen + 3}\n", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            await WaitUntilAsync(() => attach.Stderr.Contains($"err {seen + 3}\n", StringComparison.Ordinal), "stderr on kubectl's stderr");
            Assert.DoesNotContain("err ", attach.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("out 1\n", attach.Stdout, StringComparison.Ordinal); // output from before the attach is for logs
            Assert.False(attach.HasExited);
        }

        var recent = (await server.KubectlAsync("logs", "ticker", "--since=1s")).AssertSuccess().Stdout;
        Assert.DoesNotContain("out 1\n", recent, StringComparison.Ordinal);
        Assert.Contains("out ", recent, StringComparison.Ordinal);
        var withStdin = await server.KubectlWithInputAsync("", TimeSpan.FromSeconds(60), "attach", "-i", "ticker");
        Assert.NotEqual(0, withStdin.ExitCode);
        Assert.Contains("attach with stdin or a TTY needs the oci runtime", withStdin.Stderr, StringComparison.Ordinal);
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

    [Fact]
    public async Task Exec_PrintsOutputPropagatesExitCodeAndPassesStdin()
    {
        (await server.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: shell
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
                command: ["sleep", "600"]
            """)).AssertSuccess();
        (await server.KubectlAsync("wait", "--for=condition=Ready", "pod/shell", "--timeout=60s")).AssertSuccess();

        Assert.Equal("hi\n", (await server.KubectlAsync("exec", "shell", "--", "echo", "hi")).AssertSuccess().Stdout);
        var failed = await server.KubectlAsync("exec", "shell", "--", "sh", "-c", "exit 3");
        Assert.Equal(3, failed.ExitCode);
        var piped = await server.KubectlWithInputAsync("through stdin\n", TimeSpan.FromSeconds(60), "exec", "-i", "shell", "--", "cat");
        Assert.Equal("through stdin\n", piped.AssertSuccess().Stdout);
    }

    [Fact]
    public async Task PortForward_ServesAnHttpGetThroughTheTunnel()
    {
        var podPort = FreePort();
        var localPort = FreePort();
        (await server.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: python
                command: ["python3", "-m", "http.server", "{{podPort}}", "--bind", "127.0.0.1"]
                readinessProbe:
                  tcpSocket:
                    port: {{podPort}}
                  periodSeconds: 1
            """)).AssertSuccess();
        (await server.KubectlAsync("wait", "--for=condition=Ready", "pod/web", "--timeout=60s")).AssertSuccess();

        using var forward = server.StartKubectl("port-forward", "pod/web", $"{localPort}:{podPort}");
        await forward.WaitForOutputAsync(o => o.Contains("Forwarding from 127.0.0.1", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var response = await http.GetAsync($"http://127.0.0.1:{localPort}/");
        var second = await http.GetAsync($"http://127.0.0.1:{localPort}/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Directory listing", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
