using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Podvisor.Api.Streaming.Spdy;

namespace Podvisor.Api.Streaming;

/// <summary>
/// kubectl port-forward: SPDY/3.1 carried as a byte stream inside WebSocket binary messages
/// (subprotocol SPDY/3.1+portforward.k8s.io). For each local connection kubectl opens two streams that share a
/// requestID: "error" (the server writes a failure text there) and "data" (piped to the pod's port).
/// </summary>
internal sealed class PortForwardSession : IAsyncDisposable
{
    public const string Subprotocol = "SPDY/3.1+portforward.k8s.io";

    private readonly WebSocket _socket;
    private readonly Func<int, CancellationToken, Task<Stream>> _connect;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, ForwardPair> _pairs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<uint, ForwardPair> _byDataStream = new();
    private readonly SpdyFramer _framer;
    private readonly CancellationTokenSource _cts = new();
    private readonly ConcurrentBag<Task> _forwards = [];

    public PortForwardSession(WebSocket socket, Func<int, CancellationToken, Task<Stream>> connect, ILogger logger)
    {
        _socket = socket;
        _connect = connect;
        _logger = logger;
        _framer = new SpdyFramer(WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: false));
    }

    public async Task RunAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _cts.Token);
        try
        {
            while (!linked.IsCancellationRequested)
            {
                var frame = await _framer.ReadFrameAsync(linked.Token);
                if (frame is null)
                {
                    return;
                }

                switch (frame)
                {
                    case SpdySynStreamFrame syn:
                        await OnSynStreamAsync(syn, linked.Token);
                        break;
                    case SpdyDataFrame data:
                        await OnDataAsync(data, linked.Token);
                        break;
                    case SpdyRstStreamFrame rst:
                        if (_byDataStream.TryRemove(rst.StreamId, out var reset))
                        {
                            await reset.DisposeAsync();
                        }

                        break;
                    case SpdyPingFrame ping:
                        await SendAsync(SpdyFramer.EncodePing(ping.Id), linked.Token);
                        break;
                    case SpdyGoAwayFrame:
                        return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or InvalidDataException)
        {
            _logger.LogDebug(e, "port-forward session ended");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        foreach (var pair in _byDataStream.Values)
        {
            await pair.DisposeAsync();
        }

        // Every forward ends once its upstream is disposed or the token fires; none is left running.
        await Task.WhenAll(_forwards);

        _framer.Dispose();
        _sendLock.Dispose();
        _cts.Dispose();
    }

    private async Task OnSynStreamAsync(SpdySynStreamFrame syn, CancellationToken ct)
    {
        syn.Headers.TryGetValue("streamtype", out var type);
        syn.Headers.TryGetValue("requestid", out var requestId);
        syn.Headers.TryGetValue("port", out var portText);
        requestId ??= portText + "/" + syn.StreamId.ToString(CultureInfo.InvariantCulture);
        await SendAsync(_framer.EncodeSynReply(syn.StreamId, new Dictionary<string, string>()), ct);

        var pair = _pairs.GetOrAdd(requestId, _ => new ForwardPair());
        if (type == "error")
        {
            pair.ErrorStreamId = syn.StreamId;
            return;
        }

        if (type != "data")
        {
            await SendAsync(SpdyFramer.EncodeRstStream(syn.StreamId, 1), ct);
            return;
        }

        pair.DataStreamId = syn.StreamId;
        _byDataStream[syn.StreamId] = pair;
        _pairs.TryRemove(requestId, out _);
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            await FailAsync(pair, $"invalid port \"{portText}\"", ct);
            return;
        }

        _forwards.Add(ForwardAsync(pair, port, ct));
    }

    private async Task ForwardAsync(ForwardPair pair, int port, CancellationToken ct)
    {
        try
        {
            pair.Upstream = await _connect(port, ct);
            pair.Connected.TrySetResult();
            var buffer = new byte[32 * 1024];
            while (true)
            {
                var n = await pair.Upstream.ReadAsync(buffer, ct);
                if (n == 0)
                {
                    break;
                }

                await SendAsync(SpdyFramer.EncodeData(pair.DataStreamId, buffer.AsSpan(0, n), fin: false), ct);
            }

            await SendAsync(SpdyFramer.EncodeData(pair.DataStreamId, [], fin: true), ct);
            if (pair.ErrorStreamId != 0)
            {
                await SendAsync(SpdyFramer.EncodeData(pair.ErrorStreamId, [], fin: true), ct);
            }
        }
        catch (PodStreamingException e)
        {
            pair.Connected.TrySetResult();
            await FailAsync(pair, e.Message, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException)
        {
            pair.Connected.TrySetResult();
            _logger.LogDebug(e, "port-forward stream {Stream} ended", pair.DataStreamId);
        }
        finally
        {
            _byDataStream.TryRemove(pair.DataStreamId, out _);
        }
    }

    private async Task OnDataAsync(SpdyDataFrame data, CancellationToken ct)
    {
        if (!_byDataStream.TryGetValue(data.StreamId, out var pair))
        {
            return; // the error stream's (empty) FIN, or a stream already gone
        }

        await pair.Connected.Task.WaitAsync(ct);
        if (pair.Upstream is not { } upstream)
        {
            return;
        }

        try
        {
            if (data.Data.Length > 0)
            {
                await upstream.WriteAsync(data.Data, ct);
            }

            if (data.Fin && upstream is System.Net.Sockets.NetworkStream ns)
            {
                ns.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            await SendAsync(SpdyFramer.EncodeRstStream(data.StreamId, 5), ct);
        }
    }

    private async Task FailAsync(ForwardPair pair, string message, CancellationToken ct)
    {
        if (pair.ErrorStreamId != 0)
        {
            await SendAsync(SpdyFramer.EncodeData(pair.ErrorStreamId, Encoding.UTF8.GetBytes(message), fin: true), ct);
        }

        await SendAsync(SpdyFramer.EncodeData(pair.DataStreamId, [], fin: true), ct);
    }

    private async Task SendAsync(byte[] frame, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, ct);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private sealed class ForwardPair : IAsyncDisposable
    {
        public uint ErrorStreamId { get; set; }

        public uint DataStreamId { get; set; }

        public Stream? Upstream { get; set; }

        public TaskCompletionSource Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask DisposeAsync()
        {
            if (Upstream is { } upstream)
            {
                await upstream.DisposeAsync();
            }
        }
    }
}
