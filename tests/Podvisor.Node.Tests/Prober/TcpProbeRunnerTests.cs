using System.Net;
using System.Net.Sockets;
using Podvisor.Model.Core;
using Podvisor.Node.Prober.Runners;

namespace Podvisor.Node.Tests.Prober;

/// <summary>tcpSocket probes against real loopback sockets (SPEC §1.5).</summary>
public sealed class TcpProbeRunnerTests
{
    private readonly TcpProbeRunner _runner = new(TimeProvider.System);

    [Fact]
    public async Task Probe_ListenerAcceptsThenResets_Success()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = Task.Run(async () =>
        {
            using var s = await listener.AcceptSocketAsync();
            s.LingerState = new LingerOption(true, 0);
            s.Close(); // RST right after accept
        });

        var outcome = await _runner.ProbeAsync("127.0.0.1", port, TimeSpan.FromSeconds(5), CancellationToken.None);
        await accepted;

        Assert.Equal(ProbeOutcome.Success(), outcome);
    }

    [Fact]
    public async Task Probe_ClosedPort_FailureWithGoText()
    {
        var port = Ports.Closed();

        var outcome = await _runner.ProbeAsync("127.0.0.1", port, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failure($"dial tcp 127.0.0.1:{port}: connect: connection refused"), outcome);
    }

    [Fact]
    public async Task Run_NamedPortAndPodIp_ConnectsToTheDeclaredPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var container = new Container { Name = "app", Ports = [new ContainerPort { Name = "db", ContainerPortNumber = port }] };
        var probe = new Probe { TcpSocket = new TcpSocketAction { Port = "db" } };
        var request = new ProbeRequest(ProbeTestKit.Pod(container), new PodStatus { PodIP = "127.0.0.1" }, container, "c1", probe, TimeSpan.FromSeconds(5));

        var outcome = await _runner.RunAsync(request, CancellationToken.None);
        using var accepted = await listener.AcceptSocketAsync();

        Assert.Equal(ProbeOutcomeKind.Success, outcome.Kind);
    }
}
