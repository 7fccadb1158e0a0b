using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podvisor.Api.Tests.Auth;

public sealed class AuthTests
{
    [Fact]
    public async Task Request_WithoutOrWithWrongToken_Is401StatusButProbesAreOpen()
    {
        await using var server = await TestServer.StartAsync();
        using var anonymous = TestServer.CreateClient(server.Server, token: null);
        using var wrong = TestServer.CreateClient(server.Server, token: "not-the-token");

        foreach (var client in new[] { anonymous, wrong })
        {
            using var response = await client.GetAsync("/api/v1/namespaces/default/pods");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("\"reason\":\"Unauthorized\"", body);
            Assert.Contains("\"code\":401", body);
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/livez")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/version")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/api/v1/namespaces/default/pods")).StatusCode);
    }

    [Fact]
    public async Task PlainHttp_ToTlsPort_IsRefused()
    {
        await using var server = await TestServer.StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.Server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /version HTTP/1.1\r\nHost: x\r\n\r\n"));
        var buffer = new byte[256];
        int read;
        try
        {
            read = await stream.ReadAsync(buffer);
        }
        catch (IOException)
        {
            read = 0;
        }

        Assert.DoesNotContain("200 OK", Encoding.ASCII.GetString(buffer, 0, read));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Restart_ReusesCaTokenAndWritesKubeconfig()
    {
        var dir = TestServer.NewDir();
        string ca, token;
        await using (var first = await TestServer.StartAsync(dir))
        {
            ca = first.Server.CaPem;
            token = first.Server.Token;
            var kubeconfig = await File.ReadAllTextAsync(Path.Combine(dir, "kubeconfig"));
            Assert.Contains($"server: https://127.0.0.1:{first.Server.Port}", kubeconfig);
            Assert.Contains($"token: {token}", kubeconfig);
            Assert.Contains("current-context: podvisor", kubeconfig);
            Assert.Contains("certificate-authority-data: " + Convert.ToBase64String(Encoding.ASCII.GetBytes(ca)), kubeconfig);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "token")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "pki", "ca.key")));
            Assert.True(File.Exists(Path.Combine(dir, "pki", "server.crt")));
        }

        await using var second = await TestServer.StartAsync(Path.Combine(dir));
        Assert.Equal(ca, second.Server.CaPem);
        Assert.Equal(token, second.Server.Token);
        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/api/v1/namespaces")).StatusCode);
    }
}
