using System.Net;
using System.Net.Sockets;

namespace Podvisor.Node.Prober.Runners;

/// <summary>
/// tcpSocket probes (SPEC §1.5): connect within timeoutSeconds, then close. A completed connect is Success even if
/// the server closes or resets right after accepting; any connect error is a Failure with Go's error text.
/// </summary>
internal sealed class TcpProbeRunner(TimeProvider time) : IProbeRunner
{
    // Close with RST instead of FIN: the prober closes first, so a graceful close would leave one TIME_WAIT socket
    // per probe on the node (60 s each; 1,000 probes/s would exhaust ephemeral ports).
    private static readonly LingerOption AbortiveClose = new(true, 0);

    public async ValueTask<ProbeOutcome> RunAsync(ProbeRequest request, CancellationToken ct)
    {
        var action = request.Probe.TcpSocket!;
        if (!ContainerPorts.TryResolve(action.Port, request.Container, out var port, out var error))
        {
            return ProbeOutcome.Error(error);
        }

        var host = string.IsNullOrEmpty(action.Host) ? request.PodIp : action.Host;
        return await ProbeAsync(host, port, request.Timeout, ct);
    }

    internal async ValueTask<ProbeOutcome> ProbeAsync(string host, int port, TimeSpan timeout, CancellationToken ct)
    {
        var hostPort = GoErrorText.JoinHostPort(host, port);
        if (IPAddress.TryParse(host, out var literal) && IPAddress.IsLoopback(literal) && TryConnectAtOnce(literal, port, hostPort) is { } immediate)
        {
            return immediate;
        }

        using var deadline = new CancellationTokenSource(timeout, time);
        using var link = ct.CanBeCanceled ? ct.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), deadline) : default;
        try
        {
            var address = IPAddress.TryParse(host, out var ip) ? ip : await ResolveAsync(host, deadline.Token);
            using var socket = NewSocket(address);
            await socket.ConnectAsync(new IPEndPoint(address, port), deadline.Token);
            return ProbeOutcome.Success();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return ProbeOutcome.Failure($"dial tcp {hostPort}: i/o timeout");
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // The handshake completed (a closed port answers the SYN with ECONNREFUSED), but the server's
            // accept-then-reset reached the socket before the connect completion was observed: something listens.
            return ProbeOutcome.Success();
        }
        catch (Exception ex)
        {
            return ProbeOutcome.Failure(GoErrorText.Dial(hostPort, ex));
        }
    }

    /// <summary>
    /// A loopback handshake completes inside connect(): the SYN, SYN-ACK and ACK are processed before the call
    /// returns. So for a loopback target, connect without blocking and look once (poll with no wait); if it is
    /// already settled, that is the answer, without registering the socket with epoll, a wake-up of the event thread
    /// and a hop through the thread pool (two thirds of a tcpSocket probe's cost at 1,000 probes a second). Null
    /// when it is still in progress (e.g. a full accept queue dropped the SYN): the caller probes the usual way,
    /// with a new socket and the timeout.
    /// </summary>
    internal static ProbeOutcome? TryConnectAtOnce(IPAddress address, int port, string hostPort)
    {
        using var socket = NewSocket(address);
        socket.Blocking = false;
        try
        {
            socket.Connect(new IPEndPoint(address, port));
            return ProbeOutcome.Success();
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // In progress: look below.
        }
        catch (SocketException ex)
        {
            return ProbeOutcome.Failure(GoErrorText.Dial(hostPort, ex));
        }

        if (!socket.Poll(0, SelectMode.SelectWrite) && !socket.Poll(0, SelectMode.SelectError))
        {
            return null;
        }

        var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
        return error switch
        {
            SocketError.Success or SocketError.ConnectionReset => ProbeOutcome.Success(), // reset after accept: something listens
            _ => ProbeOutcome.Failure(GoErrorText.Dial(hostPort, new SocketException((int)error))),
        };
    }

    private static Socket NewSocket(IPAddress address) =>
        new(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { LingerState = AbortiveClose };

    private static async Task<IPAddress> ResolveAsync(string host, CancellationToken ct)
    {
        var addresses = await Dns.GetHostAddressesAsync(host, ct);
        return addresses.Length > 0
            ? Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0]
            : throw new SocketException((int)SocketError.HostNotFound);
    }
}
