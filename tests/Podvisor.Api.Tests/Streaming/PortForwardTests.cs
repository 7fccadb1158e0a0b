using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Podvisor.Api.Streaming.Spdy;

namespace Podvisor.Api.Tests.Streaming;

public sealed class PortForwardTests
{
    [Fact]
    public void HeaderDictionary_MatchesSpdy3Dictionary()
    {
        Assert.Equal(1423, SpdyHeaderDictionary.Bytes.Length);
        Assert.Equal(
            "51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02",
            Convert.ToHexStringLower(SHA256.HashData(SpdyHeaderDictionary.Bytes)));
    }

    [Fact]
    public async Task PortForward_DataStream_RoundTripsThroughPodPort()
    {
        using var echo = new TcpListener(IPAddress.Loopback, 0);
        echo.Start();
        var echoTask = EchoOnceAsync(echo);
        await using var host = await StreamingTestHost.StartAsync(new HostStreamingBackend());
        await host.CreatePodAsync("web", "main");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = await ConnectAsync(host, cts.Token);
        using var framer = new SpdyFramer(WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: false));
        var port = ((IPEndPoint)echo.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await SendAsync(socket, framer.EncodeSynStream(1, Headers("error", port, "0"), fin: false), cts.Token);
        await SendAsync(socket, framer.EncodeSynStream(3, Headers("data", port, "0"), fin: false), cts.Token);
        await SendAsync(socket, SpdyFramer.EncodeData(3, Encoding.UTF8.GetBytes("hello through the tunnel"), fin: true), cts.Token);

        var received = new StringBuilder();
        var replies = 0;
        var dataFinished = false;
        while (!dataFinished)
        {
            var frame = await framer.ReadFrameAsync(cts.Token);
            switch (frame)
            {
                case SpdyIgnoredFrame { Type: SpdyControlType.SynReply }:
                    replies++;
                    break;
                case SpdyDataFrame { StreamId: 3 } data:
                    received.Append(Encoding.UTF8.GetString(data.Data));
                    dataFinished = data.Fin;
                    break;
                case null:
                    Assert.Fail("the session ended before the data stream finished");
                    break;
            }
        }

        Assert.Equal(2, replies);
        Assert.Equal("hello through the tunnel", received.ToString());
        await echoTask;
    }

    [Fact]
    public async Task PortForward_ClosedPort_WritesErrorOnErrorStream()
    {
        using var unused = new TcpListener(IPAddress.Loopback, 0);
        unused.Start();
        var port = ((IPEndPoint)unused.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        unused.Stop();
        await using var host = await StreamingTestHost.StartAsync(new HostStreamingBackend());
        await host.CreatePodAsync("web", "main");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = await ConnectAsync(host, cts.Token);
        using var framer = new SpdyFramer(WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: false));

        await SendAsync(socket, framer.EncodeSynStream(1, Headers("error", port, "7"), fin: false), cts.Token);
        await SendAsync(socket, framer.EncodeSynStream(3, Headers("data", port, "7"), fin: false), cts.Token);

        string? error = null;
        while (error is null)
        {
            var frame = await framer.ReadFrameAsync(cts.Token);
            Assert.NotNull(frame);
            if (frame is SpdyDataFrame { StreamId: 1 } data)
            {
                error = Encoding.UTF8.GetString(data.Data);
            }
        }

        Assert.Contains($"failed to connect to localhost:{port}", error, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Headers(string type, string port, string requestId) =>
        new() { ["streamtype"] = type, ["port"] = port, ["requestid"] = requestId };

    /// <summary>
    /// kubectl's handshake done by hand: ClientWebSocket, like the server side, refuses '/' in a subprotocol name.
    /// </summary>
    private static async Task<WebSocket> ConnectAsync(StreamingTestHost host, CancellationToken ct)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.BaseUri.Port, ct);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request =
            "GET /api/v1/namespaces/default/pods/web/portforward HTTP/1.1\r\n" +
            $"Host: 127.0.0.1:{host.BaseUri.Port}\r\n" +
            "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            await stream.ReadExactlyAsync(one, ct);
            head.Append((char)one[0]);
        }

        var response = head.ToString();
        Assert.StartsWith("HTTP/1.1 101", response, StringComparison.Ordinal);
        Assert.Contains("Sec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io", response, StringComparison.OrdinalIgnoreCase);
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false });
    }

    private static Task SendAsync(WebSocket socket, byte[] frame, CancellationToken ct) =>
        socket.SendAsync(frame, WebSocketMessageType.Binary, true, ct);

    private static async Task EchoOnceAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, n));
        }

        client.Client.Shutdown(SocketShutdown.Send);
    }
}
