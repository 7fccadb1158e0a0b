using System.Net;
using System.Net.Sockets;
using Podvisor.Model.Core;
using Podvisor.Node.Prober.Runners;
using Podvisor.Testing.Http;

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

    [Fact]
    public void AtOnce_LoopbackListener_SettlesInsideConnect()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Assert.Equal(ProbeOutcome.Success(), TcpProbeRunner.TryConnectAtOnce(IPAddress.Loopback, port, $"127.0.0.1:{port}"));
        using var accepted = listener.AcceptSocket(); // the handshake really completed
    }

    [Fact]
    public void AtOnce_ClosedLoopbackPort_RefusedWithGoText()
    {
        var port = Ports.Closed();

        Assert.Equal(
            ProbeOutcome.Failure($"dial tcp 127.0.0.1:{port}: connect: connection refused"),
            TcpProbeRunner.TryConnectAtOnce(IPAddress.Loopback, port, $"127.0.0.1:{port}"));
    }

    [Fact]
    public async Task AtOnce_FullAcceptQueue_LeavesItToTheTimedProbe()
    {
        // A listener that never accepts, with its queue full: the kernel drops the SYN, so the connect is still in
        // progress when it returns; the quick look says "unknown" and the timed probe reports the timeout.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            ProbeOutcome? atOnce = ProbeOutcome.Success();
            for (var i = 0; i < 8 && atOnce is not null; i++)
            {
                atOnce = TcpProbeRunner.TryConnectAtOnce(IPAddress.Loopback, port, $"127.0.0.1:{port}");
                if (atOnce is not null)
                {
                    // Still room in the queue: hold a connection there and try again.
                    var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                    fillers.Add(filler);
                    try
                    {
                        filler.Connect(IPAddress.Loopback, port);
                    }
                    catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                    {
                        // Queued (or dropped): either way it holds its place without blocking the test.
                    }
                }
            }

            Assert.Null(atOnce);
            var timed = await _runner.ProbeAsync("127.0.0.1", port, TimeSpan.FromMilliseconds(300), CancellationToken.None);
            Assert.Equal(ProbeOutcome.Failure($"dial tcp 127.0.0.1:{port}: i/o timeout"), timed);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }
}
