using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podvisor.Api.Streaming;

/// <summary>
/// kubectl exec over WebSocket with the v5.channel.k8s.io subprotocol: binary messages whose first byte is the
/// channel (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize, 255 close), ending with a meta/v1 Status on channel 3
/// that carries the exit code, then a normal close.
/// </summary>
internal static class ExecWebSocketHandler
{
    public const string Subprotocol = "v5.channel.k8s.io";

    private const byte StdinChannel = 0;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;
    private const byte CloseChannel = 255;

    public static async Task RunAsync(WebSocket socket, Func<CancellationToken, Task<IPodExecProcess>> start, bool stdinWanted, CancellationToken ct)
    {
        using var sendLock = new SemaphoreSlim(1, 1);
        IPodExecProcess process;
        try
        {
            process = await start(ct);
        }
        catch (PodStreamingException e)
        {
            await SendStatusAsync(socket, sendLock, Failure("InternalError", e.Message, null), ct);
            await CloseAsync(socket, ct);
            return;
        }

        await using (process)
        {
            if (!stdinWanted)
            {
                process.Stdin.Dispose();
            }

            using var pumps = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var stdout = PumpAsync(process.Stdout, StdoutChannel, socket, sendLock, pumps.Token);
            var stderr = PumpAsync(process.Stderr, StderrChannel, socket, sendLock, pumps.Token);
            var input = ReceiveAsync(socket, process, stdinWanted, pumps.Token);

            int exitCode;
            try
            {
                exitCode = await process.ExitCode.WaitAsync(ct);
                await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (TimeoutException)
            {
                exitCode = await process.ExitCode;
            }

            var status = exitCode == 0
                ? new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" }
                : Failure(
                    "NonZeroExitCode",
                    $"command terminated with non-zero exit code: exit status {exitCode}",
                    new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
            await SendStatusAsync(socket, sendLock, status, ct);
            await CloseAsync(socket, ct);

            // Wait for the client's close frame: cancelling a pending receive would abort the socket and the client
            // could lose the status frame (kubectl then reports a reset instead of the exit code).
            try
            {
                await input.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System, ct);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or TimeoutException or IOException)
            {
                // the client went away, or did not close in time: the socket is disposed by the caller
            }
        }
    }

    private static JsonObject Failure(string reason, string message, JsonArray? causes)
    {
        var status = new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["reason"] = reason,
            ["message"] = message,
        };
        if (causes is not null)
        {
            status["details"] = new JsonObject { ["causes"] = causes };
        }

        return status;
    }

    private static async Task PumpAsync(Stream source, byte channel, WebSocket socket, SemaphoreSlim sendLock, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        buffer[0] = channel;
        try
        {
            while (true)
            {
                var n = await source.ReadAsync(buffer.AsMemory(1), ct);
                if (n == 0)
                {
                    return;
                }

                await SendAsync(socket, sendLock, buffer.AsMemory(0, n + 1), ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException)
        {
            // the process or the client is gone
        }
    }

    private static async Task ReceiveAsync(WebSocket socket, IPodExecProcess process, bool stdinWanted, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var data = message.GetBuffer().AsMemory(0, (int)message.Length);
            if (data.Length == 0 || !stdinWanted)
            {
                continue;
            }

            switch (data.Span[0])
            {
                case StdinChannel:
                    await process.Stdin.WriteAsync(data[1..], ct);
                    await process.Stdin.FlushAsync(ct);
                    break;
                case CloseChannel when data.Length > 1 && data.Span[1] == StdinChannel:
                    await process.Stdin.DisposeAsync();
                    break;
            }
        }
    }

    private static Task SendStatusAsync(WebSocket socket, SemaphoreSlim sendLock, JsonObject status, CancellationToken ct)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(status, StreamingJsonContext.Default.JsonObject);
        var frame = new byte[json.Length + 1];
        frame[0] = ErrorChannel;
        json.CopyTo(frame, 1);
        return SendAsync(socket, sendLock, frame, ct);
    }

    private static async Task SendAsync(WebSocket socket, SemaphoreSlim sendLock, ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        await sendLock.WaitAsync(ct);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, ct);
        }
        finally
        {
            sendLock.Release();
        }
    }

    private static async Task CloseAsync(WebSocket socket, CancellationToken ct)
    {
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
            }
        }
        catch (WebSocketException)
        {
            // the client closed first
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal sealed partial class StreamingJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
