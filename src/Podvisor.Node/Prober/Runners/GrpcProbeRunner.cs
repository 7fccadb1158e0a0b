using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Podvisor.Node.Prober.Runners;

/// <summary>
/// grpc probes (SPEC §1.7): grpc.health.v1.Health/Check over cleartext HTTP/2 (prior knowledge, no TLS) to
/// podIP:port. Success iff the response status is SERVING; every error (connect, UNIMPLEMENTED, timeout,
/// NOT_SERVING) is a Failure with the kubelet's wording.
/// </summary>
internal sealed class GrpcProbeRunner(TimeProvider time, string kubeVersion) : IProbeRunner
{
    private const int MaxResponseBytes = 64 * 1024;

    // A separate handler from httpGet's: HTTP/2 only, no connection reuse (the kubelet dials per probe).
    private static readonly HttpMessageInvoker Invoker = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.Zero,
        PooledConnectionIdleTimeout = TimeSpan.Zero,
    }, disposeHandler: false);

    private readonly string _userAgent = HttpGetRequests.UserAgent("probe", kubeVersion);

    public ValueTask<ProbeOutcome> RunAsync(ProbeRequest request, CancellationToken ct)
    {
        var action = request.Probe.Grpc!;
        return ProbeAsync(request.PodIp, action.Port, action.Service, request.Timeout, ct);
    }

    internal async ValueTask<ProbeOutcome> ProbeAsync(string host, int port, string? service, TimeSpan timeout, CancellationToken ct)
    {
        var address = GoErrorText.JoinHostPort(host, port);
        var seconds = GoDurationText(timeout);
        using var deadline = new CancellationTokenSource(timeout, time);
        using var link = ct.CanBeCanceled ? ct.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), deadline) : default;
        using var message = new HttpRequestMessage(HttpMethod.Post, $"http://{address}/grpc.health.v1.Health/Check")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(GrpcHealthCodec.EncodeRequest(service)),
        };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
        message.Headers.TryAddWithoutValidation("te", "trailers");
        message.Headers.TryAddWithoutValidation("User-Agent", _userAgent);

        HttpResponseMessage response;
        try
        {
            response = await Invoker.SendAsync(message, deadline.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return ProbeOutcome.Failure($"timeout: failed to connect service \"{address}\" within {seconds}: context deadline exceeded");
        }
        catch (Exception ex)
        {
            return ProbeOutcome.Failure($"error: failed to connect service at \"{address}\": {DescribeConnect(address, ex)}");
        }

        using (response)
        {
            byte[] body;
            try
            {
                body = await ReadAsync(response, deadline.Token);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException)
            {
                return ProbeOutcome.Failure($"timeout: health rpc did not complete within {seconds}");
            }
            catch (Exception ex)
            {
                return ProbeOutcome.Failure($"error: health rpc probe failed: rpc error: code = Unavailable desc = {ex.Message}");
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                return ProbeOutcome.Failure($"error: health rpc probe failed: rpc error: code = Unknown desc = unexpected HTTP status code received from server: {(int)response.StatusCode}");
            }

            // A failed call may be "trailers-only": grpc-status then arrives with the headers.
            var code = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
            if (code is not null && code != "0")
            {
                var text = Uri.UnescapeDataString(Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message") ?? "");
                return code switch
                {
                    "12" => ProbeOutcome.Failure($"error: this server does not implement the grpc health protocol (grpc.health.v1.Health): {text}"),
                    "4" => ProbeOutcome.Failure($"timeout: health rpc did not complete within {seconds}"),
                    _ => ProbeOutcome.Failure($"error: health rpc probe failed: rpc error: code = {CodeName(code)} desc = {text}"),
                };
            }

            if (code is null || !GrpcHealthCodec.TryDecodeResponse(body, out var status))
            {
                return ProbeOutcome.Failure("error: health rpc probe failed: rpc error: code = Internal desc = malformed health check response");
            }

            return status == GrpcHealthCodec.Serving
                ? ProbeOutcome.Success("service healthy")
                : ProbeOutcome.Failure($"service unhealthy (responded with \"{GrpcHealthCodec.StatusName(status)}\")");
        }
    }

    private static async Task<byte[]> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > MaxResponseBytes)
            {
                throw new InvalidDataException("grpc: received message larger than max");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string DescribeConnect(string address, Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException se)
            {
                return GoErrorText.Dial(address, se);
            }
        }

        return ex.Message;
    }

    private static string CodeName(string code) => code switch
    {
        "1" => "Canceled",
        "2" => "Unknown",
        "3" => "InvalidArgument",
        "4" => "DeadlineExceeded",
        "5" => "NotFound",
        "6" => "AlreadyExists",
        "7" => "PermissionDenied",
        "8" => "ResourceExhausted",
        "9" => "FailedPrecondition",
        "10" => "Aborted",
        "11" => "OutOfRange",
        "12" => "Unimplemented",
        "13" => "Internal",
        "14" => "Unavailable",
        "15" => "DataLoss",
        "16" => "Unauthenticated",
        _ => $"Code({code})",
    };

    private static string GoDurationText(TimeSpan d) =>
        d.Ticks % TimeSpan.TicksPerSecond == 0
            ? ((long)d.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
            : d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
