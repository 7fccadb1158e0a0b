using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Podvisor.Model.Core;

namespace Podvisor.Node.Prober.Runners;

/// <summary>
/// httpGet probes (SPEC §1.4, k/k pkg/probe/http/http.go): 200–399 is Success, but a 3xx that is returned rather
/// than followed is a Warning; other codes are a Failure <c>HTTP probe failed with statuscode: N</c>; transport
/// errors and timeouts are Failures with Go's error text. Redirects are followed only to the same hostname, at
/// most 10 requests in all. At most 10 KiB of the body is read.
/// </summary>
internal sealed class HttpProbeRunner(TimeProvider time, string kubeVersion) : IProbeRunner
{
    public const int MaxBodyBytes = 10 * 1024;
    private const int MaxRequests = 10;

    private readonly string _userAgent = HttpGetRequests.UserAgent("probe", kubeVersion);

    public ValueTask<ProbeOutcome> RunAsync(ProbeRequest request, CancellationToken ct)
    {
        var action = request.Probe.HttpGet!;
        if (!HttpGetRequests.TryCreateUri(action, request.Container, request.PodIp, out var uri, out var error))
        {
            return ValueTask.FromResult(ProbeOutcome.Error(error));
        }

        return ProbeAsync(uri!, action.HttpHeaders, request.Timeout, ct);
    }

    internal async ValueTask<ProbeOutcome> ProbeAsync(Uri uri, IReadOnlyList<HttpHeader>? headers, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var link = ct.CanBeCanceled ? ct.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), deadline) : default;
        var current = uri;
        var keepHost = true;
        for (var requests = 1; ; requests++)
        {
            using var message = HttpGetRequests.CreateRequest(current, headers, _userAgent);
            if (!keepHost)
            {
                message.Headers.Host = null;
            }

            HttpResponseMessage response;
            try
            {
                response = await HttpGetRequests.Invoker.SendAsync(message, deadline.Token);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException)
            {
                return ProbeOutcome.Failure($"Get \"{current.AbsoluteUri}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
            }
            catch (Exception ex)
            {
                return ProbeOutcome.Failure($"Get \"{current.AbsoluteUri}\": {GoErrorText.HttpClient($"{current.Host}:{current.Port}", ex)}");
            }

            using (response)
            {
                var code = (int)response.StatusCode;
                if (IsFollowable(code) && response.Headers.Location is { } location)
                {
                    var target = location.IsAbsoluteUri ? location : new Uri(current, location);
                    if (string.Equals(target.Host, uri.Host, StringComparison.OrdinalIgnoreCase))
                    {
                        if (requests >= MaxRequests)
                        {
                            return ProbeOutcome.Failure($"Get \"{target.AbsoluteUri}\": stopped after 10 redirects");
                        }

                        // Go keeps a custom Host header only across relative redirects.
                        keepHost &= !location.IsAbsoluteUri;
                        current = target;
                        continue;
                    }

                    // Another host: not followed, the 3xx itself is the answer (a Warning below).
                }

                string? body;
                try
                {
                    body = await ReadBodyAsync(response, decode: code is >= 300 and < 400, deadline.Token);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    return ProbeOutcome.Error(ex is OperationCanceledException
                        ? "context deadline exceeded (Client.Timeout or context cancellation while reading body)"
                        : ex.Message);
                }

                return code switch
                {
                    >= 200 and < 300 => ProbeOutcome.Success(),
                    >= 300 and < 400 => ProbeOutcome.Warning($"Probe terminated redirects, Response body: {body}"),
                    _ => ProbeOutcome.Failure($"HTTP probe failed with statuscode: {code}"),
                };
            }
        }
    }

    /// <summary>The codes Go's client follows (with a Location header).</summary>
    private static bool IsFollowable(int code) => code is 301 or 302 or 303 or 307 or 308;

    private static async ValueTask<string?> ReadBodyAsync(HttpResponseMessage response, bool decode, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var total = 0;
            while (total < MaxBodyBytes)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(total, MaxBodyBytes - total), ct);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            // Longer bodies are truncated, which is not an error.
            return decode ? Encoding.UTF8.GetString(buffer, 0, total) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
