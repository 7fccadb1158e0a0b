using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Podvisor.Api.Tests.Streaming;

public sealed class ExecWebSocketTests
{
    [Fact]
    public async Task Exec_Echo_StreamsStdoutThenSuccessStatus()
    {
        await using var host = await StreamingTestHost.StartAsync(new HostStreamingBackend());
        await host.CreatePodAsync("web", "main");

        var (stdout, _, status) = await RunAsync(host, "/api/v1/namespaces/default/pods/web/exec?command=echo&command=hi&container=main&stdout=true&stderr=true", stdin: null);

        Assert.Equal("hi\n", stdout);
        Assert.Equal("Success", (string?)status["status"]);
    }

    [Fact]
    public async Task Exec_NonZeroExit_ReportsExitCodeCause()
    {
        await using var host = await StreamingTestHost.StartAsync(new HostStreamingBackend());
        await host.CreatePodAsync("web", "main");

        var (_, stderr, status) = await RunAsync(host, "/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command=echo%20oops%20%3E%262%3B%20exit%203&stdout=true&stderr=true", stdin: null);

        Assert.Equal("oops\n", stderr);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("NonZeroExitCode", (string?)status["reason"]);
        Assert.Equal("command terminated with non-zero exit code: exit status 3", (string?)status["message"]);
        Assert.Equal("3", (string?)status["details"]!["causes"]![0]!["message"]);
    }

    [Fact]
    public async Task Exec_Stdin_IsPassedUntilClosed()
    {
        await using var host = await StreamingTestHost.StartAsync(new HostStreamingBackend());
        await host.CreatePodAsync("web", "main");

        var (stdout, _, status) = await RunAsync(host, "/api/v1/namespaces/default/pods/web/exec?command=cat&stdin=true&stdout=true&stderr=true", stdin: "line one\nline two\n");

        Assert.Equal("line one\nline two\n", stdout);
        Assert.Equal("Success", (string?)status["status"]);
    }

    [Fact]
    public async Task Exec_WithoutWebSocket_IsBadRequest()
    {
        await using var host = await StreamingTestHost.StartAsync(new HostStreamingBackend());
        await host.CreatePodAsync("web", "main");
        using var http = new HttpClient { BaseAddress = host.BaseUri };

        var response = await http.PostAsync("/api/v1/namespaces/default/pods/web/exec?command=true", null);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("v5.channel.k8s.io", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<(string Stdout, string Stderr, JsonObject Status)> RunAsync(StreamingTestHost host, string path, string? stdin)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v5.channel.k8s.io");
        var uri = new UriBuilder(host.BaseUri) { Scheme = "ws", Path = path.Split('?')[0], Query = path.Split('?')[1] }.Uri;
        await socket.ConnectAsync(uri, cts.Token);
        Assert.Equal("v5.channel.k8s.io", socket.SubProtocol);
        if (stdin is not null)
        {
            await socket.SendAsync(new byte[] { 0 }.Concat(Encoding.UTF8.GetBytes(stdin)).ToArray(), WebSocketMessageType.Binary, true, cts.Token);
            await socket.SendAsync(new byte[] { 255, 0 }, WebSocketMessageType.Binary, true, cts.Token);
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        JsonObject? status = null;
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, cts.Token);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            var data = message.ToArray();
            var text = Encoding.UTF8.GetString(data, 1, data.Length - 1);
            switch (data[0])
            {
                case 1:
                    stdout.Append(text);
                    break;
                case 2:
                    stderr.Append(text);
                    break;
                case 3:
                    status = JsonNode.Parse(text)!.AsObject();
                    break;
            }
        }

        Assert.NotNull(status);
        return (stdout.ToString(), stderr.ToString(), status);
    }
}
