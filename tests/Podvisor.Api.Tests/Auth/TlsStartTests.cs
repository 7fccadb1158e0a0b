using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Podvisor.Api.Auth;
using Podvisor.Store;
using Podvisor.Testing;
using Podvisor.Testing.Http;

namespace Podvisor.Api.Tests.Auth;

/// <summary>The API server listens before its certificates are ready; TLS handshakes wait for them.</summary>
public sealed class TlsStartTests
{
    [Fact]
    public async Task Start_CertificatesNotReady_ListensAndAHandshakeBegunMeanwhileSucceedsOnceTheyAre()
    {
        using var temp = new TempDirectory("podvisor-api-tls-");
        var dir = temp.Path;
        await using var store = await SqliteResourceStore.OpenAsync(dir, TimeProvider.System, null, null, CancellationToken.None);
        var certificates = new TaskCompletionSource<ServingCertificates>(TaskCreationOptions.RunContinuationsAsynchronously);
        var port = FreePort();
        var starting = ApiServerHost.StartAsync(
            new ApiServerOptions { DataDir = dir, Listen = $"127.0.0.1:{port}", Store = store, TimeProvider = TimeProvider.System, Tls = certificates.Task },
            CancellationToken.None);

        // Accepted before the certificates exist: the listener does not wait for them.
        using var socket = await ConnectAsync(port, starting);
        Assert.False(starting.IsCompleted, "the start returns only once the certificates are there");
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        var ready = ServingCertificates.LoadOrCreate(dir, TimeProvider.System);
        var handshake = tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && CaTrust.ChainsTo(cert, ready.Ca),
        });

        certificates.SetResult(ready);
        await using var server = await starting.WaitAsync(TimeSpan.FromSeconds(30));
        await handshake.WaitAsync(TimeSpan.FromSeconds(30));
        await tls.WriteAsync(Encoding.ASCII.GetBytes("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(tls);
        Assert.Equal("HTTP/1.1 200 OK", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(server.CaPem, ready.CaPem);
    }

    [Fact]
    public async Task Start_CertificatesFail_StartThrowsAndStopsListening()
    {
        using var temp = new TempDirectory("podvisor-api-tls-");
        var dir = temp.Path;
        await using var store = await SqliteResourceStore.OpenAsync(dir, TimeProvider.System, null, null, CancellationToken.None);
        var port = FreePort();
        var failing = Task.FromException<ServingCertificates>(new InvalidOperationException("pki/ca.key: not a key"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ApiServerHost.StartAsync(
            new ApiServerOptions { DataDir = dir, Listen = $"127.0.0.1:{port}", Store = store, TimeProvider = TimeProvider.System, Tls = failing },
            CancellationToken.None));

        Assert.Equal("pki/ca.key: not a key", error.Message);
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
    }

    private static int FreePort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    /// <summary>Connects as soon as the server listens (bounded by a deadline; fails early if the start failed).</summary>
    private static async Task<Socket> ConnectAsync(int port, Task starting)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return socket;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !starting.IsFaulted)
            {
                socket.Dispose();
                await Task.Delay(10);
            }
        }
    }
}
