using System.Globalization;
using System.Security.Authentication;
using System.Text;
using Podvisor.Client;
using Podvisor.Model.Core;
using Podvisor.Node.Prober.Runners;
using Podvisor.Runtime;

namespace Podvisor.Node.Lifecycle;

/// <summary>
/// Runs postStart/preStop handlers (SPEC §1.11, the kubelet's lifecycle/handlers.go). Returns null on success or
/// the failure text the kubelet puts in FailedPostStartHook/FailedPreStopHook events. The only bound on a hook is
/// <paramref name="ct"/> in <see cref="RunAsync"/>: postStart has none, preStop is cancelled at the grace period.
/// </summary>
public sealed class LifecycleHookRunner
{
    public const string UserAgent = "kube-lifecycle/1.32";
    public const int MaxOutputBytes = 10 * 1024;

    private readonly IContainerRuntime _runtime;
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;
    private readonly HttpMessageHandler? _handler;
    private HttpMessageInvoker? _http; // made on the first httpGet hook: most nodes never run one

    public LifecycleHookRunner(IContainerRuntime runtime, IEventRecorder events, TimeProvider time, HttpMessageHandler? handler = null)
    {
        _runtime = runtime;
        _events = events;
        _time = time;
        _handler = handler;
    }

    /// <param name="containerId">The runtime's id (no scheme).</param>
    public async Task<string?> RunAsync(Pod pod, Container container, string containerId, LifecycleHandler handler, string? podIp, CancellationToken ct)
    {
        if (handler.Exec is { } exec)
        {
            return await RunExecAsync(pod, container, containerId, exec.Command ?? [], ct).ConfigureAwait(false);
        }

        if (handler.HttpGet is { } httpGet)
        {
            return await RunHttpAsync(pod, container, httpGet, podIp, ct).ConfigureAwait(false);
        }

        if (handler.Sleep is { } sleep)
        {
            return await RunSleepAsync(pod, container, sleep.Seconds, ct).ConfigureAwait(false);
        }

        return null;
    }

    private async Task<string?> RunExecAsync(Pod pod, Container container, string containerId, IReadOnlyList<string> command, CancellationToken ct)
    {
        string error;
        string output;
        try
        {
            var result = await _runtime.ExecSyncAsync(containerId, command, Timeout.InfiniteTimeSpan, MaxOutputBytes, ct).ConfigureAwait(false);
            if (result.ExitCode == 0 && !result.TimedOut)
            {
                return null;
            }

            output = result.Output;
            error = result.TimedOut
                ? $"command '{string.Join(' ', command)}' timed out"
                : $"command '{string.Join(' ', command)}' exited with {result.ExitCode}: {result.Output}";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            output = "";
            error = "context canceled";
        }
        catch (RuntimeException ex)
        {
            output = "";
            error = ex.Message;
        }

        return $"Exec lifecycle hook ([{string.Join(' ', command)}]) for Container \"{container.Name}\" in Pod \"{PodFormat.Pod(pod)}\" failed - error: {error}, message: {GoQuote(output)}";
    }

    private async Task<string?> RunHttpAsync(Pod pod, Container container, HttpGetAction action, string? podIp, CancellationToken ct)
    {
        var host = string.IsNullOrEmpty(action.Host) ? podIp ?? "127.0.0.1" : action.Host;
        var port = ResolvePort(container, action.Port);
        var path = string.IsNullOrEmpty(action.Path) ? "/" : action.Path;
        if (!path.StartsWith('/'))
        {
            path = "/" + path;
        }

        var scheme = (action.Scheme ?? "HTTP").ToLowerInvariant();
        var error = await TryGetAsync(scheme, host, port, path, action.HttpHeaders, ct).ConfigureAwait(false);
        if (error is not null && scheme == "https" && error.IsTlsFailure)
        {
            var fallback = await TryGetAsync("http", host, port, path, action.HttpHeaders?.Where(h => !h.Name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)).ToList(), ct).ConfigureAwait(false);
            if (fallback is null)
            {
                _events.Record(PodEvents.Reference(pod, container), "Warning", "LifecycleHTTPFallback", $"request to HTTPS lifecycle hook {host} got HTTP response, retry with HTTP succeeded");
                return null;
            }
        }

        return error is null
            ? null
            : $"HTTP lifecycle hook ({path}) for Container \"{container.Name}\" in Pod \"{PodFormat.Pod(pod)}\" failed - error: {error.Message}";
    }

    private async Task<HttpFailure?> TryGetAsync(string scheme, string host, int port, string path, IReadOnlyList<HttpHeader>? headers, CancellationToken ct)
    {
        var hostPart = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        var url = $"{scheme}://{hostPart}:{port.ToString(CultureInfo.InvariantCulture)}{path}";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation("Accept", "*/*");
        foreach (var h in headers ?? [])
        {
            if (h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = h.Value;
                continue;
            }

            request.Headers.Remove(h.Name);
            if (h.Value.Length > 0)
            {
                request.Headers.TryAddWithoutValidation(h.Name, h.Value);
            }
        }

        try
        {
            using var response = await Http().SendAsync(request, ct).ConfigureAwait(false);
            return null;
        }
        catch (HttpRequestException ex)
        {
            var tls = ex.InnerException is AuthenticationException || ex.HttpRequestError == HttpRequestError.SecureConnectionError;
            return new HttpFailure($"Get \"{url}\": {GoErrorText.HttpClient(GoErrorText.JoinHostPort(host, port), ex)}", tls);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new HttpFailure($"Get \"{url}\": context canceled", false);
        }
    }

    private async Task<string?> RunSleepAsync(Pod pod, Container container, long seconds, CancellationToken ct)
    {
        if (seconds <= 0)
        {
            return null;
        }

        try
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), _time, ct).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return $"Sleep lifecycle hook ({seconds}) for Container \"{container.Name}\" in Pod \"{PodFormat.Pod(pod)}\" failed - error: container terminated before sleep hook finished";
        }
    }

    /// <summary>A number, a numeric string, or a container port name.</summary>
    public static int ResolvePort(Container container, Podvisor.Model.Meta.IntOrString port)
    {
        if (port.IntValue is { } i)
        {
            return i;
        }

        var s = port.StringValue ?? "";
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        return container.Ports?.FirstOrDefault(p => p.Name == s)?.ContainerPortNumber
            ?? throw new FormatException($"strconv.Atoi: parsing \"{s}\": invalid syntax");
    }

    /// <summary>Go's %q for a string.</summary>
    internal static string GoQuote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(ch))
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)ch:x2}");
                    }
                    else
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        sb.Append('"');
        return sb.ToString();
    }

    // Not a Lazy<HttpMessageInvoker> made in the constructor: that generic instance alone loads System.Net.Http
    // into every serve at start (~0.9 MiB resident, docs/benchmarks.md, api).
    private HttpMessageInvoker Http() => LazyInitializer.EnsureInitialized(ref _http, () => new HttpMessageInvoker(_handler ?? new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.Zero,
#pragma warning disable CA5359 // SPEC §1.4.3/§1.11.2: the kubelet skips TLS verification for hooks (InsecureSkipVerify).
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
#pragma warning restore CA5359
    }));

    private sealed record HttpFailure(string Message, bool IsTlsFailure);
}
