using System.Net;
using System.Net.Sockets;

namespace Podvisor.Node.Tests.Prober;

internal static class Ports
{
    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int Closed()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
