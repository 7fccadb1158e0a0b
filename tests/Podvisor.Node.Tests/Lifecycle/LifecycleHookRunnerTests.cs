using Podvisor.Model.Core;
using Podvisor.Node.Lifecycle;
using Podvisor.Node.Tests.Prober;
using Podvisor.Testing;

namespace Podvisor.Node.Tests.Lifecycle;

/// <summary>httpGet hooks against real sockets: the failure message is the kubelet's, Go's error wording included.</summary>
public sealed class LifecycleHookRunnerTests
{
    [Fact]
    public async Task HttpGetHook_ConnectionRefused_MessageInTheKubeletsWords()
    {
        var port = Ports.Closed();
        var container = new Container { Name = "app" };
        var pod = ProbeTestKit.Pod(container);
        var runner = new LifecycleHookRunner(
            new ExecOnlyRuntime((_, _, _, _) => throw new NotSupportedException()), new RecordingEvents(), new FakeTimeProvider(ProbeTestKit.Start));
        var hook = new LifecycleHandler { HttpGet = new HttpGetAction { Port = port, Path = "/x" } };

        var message = await runner.RunAsync(pod, container, "c1", hook, "127.0.0.1", CancellationToken.None);

        Assert.Equal(
            $"HTTP lifecycle hook (/x) for Container \"app\" in Pod \"web_default(uid-1)\" failed - error: " +
            $"Get \"http://127.0.0.1:{port}/x\": dial tcp 127.0.0.1:{port}: connect: connection refused",
            message);
    }
}
