using System.Net.Sockets;

namespace Podvisor.Node.Prober.Runners;

/// <summary>
/// Renders connection errors the way Go's net package words them, because users match the kubelet's event
/// texts (e.g. <c>dial tcp 127.0.0.1:81: connect: connection refused</c>).
/// </summary>
internal static class GoErrorText
{
    public static string Dial(string hostPort, Exception ex) => ex switch
    {
        SocketException se => $"dial tcp {hostPort}: {Describe(se)}",
        _ when ex.InnerException is SocketException se => $"dial tcp {hostPort}: {Describe(se)}",
        _ => $"dial tcp {hostPort}: {ex.Message}",
    };

    /// <summary>An HTTP client error after Go's <c>Get "URL": </c>: the socket error in Go's words, "EOF" for a response cut short.</summary>
    public static string HttpClient(string hostPort, Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException se)
            {
                return Dial(hostPort, se);
            }
        }

        return ex is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } ? "EOF" : ex.Message;
    }

    public static string Describe(SocketException se) => se.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connect: connection refused",
        SocketError.TimedOut => "i/o timeout",
        SocketError.NetworkUnreachable => "connect: network is unreachable",
        SocketError.HostUnreachable => "connect: no route to host",
        SocketError.ConnectionReset => "read: connection reset by peer",
        SocketError.HostNotFound or SocketError.NoData => "lookup: no such host",
        _ => se.Message,
    };

    /// <summary>Joins host and port, bracketing IPv6 literals (Go's net.JoinHostPort).</summary>
    public static string JoinHostPort(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";
}
