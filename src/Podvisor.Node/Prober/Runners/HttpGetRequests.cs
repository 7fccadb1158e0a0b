using System.Net.Security;
using Podvisor.Model.Core;

namespace Podvisor.Node.Prober.Runners;

/// <summary>
/// Builds the GET request of an httpGet probe or lifecycle hook (k/k pkg/probe/http/request.go), and owns the one
/// shared handler both use. Hooks call <see cref="TryCreateUri"/> and <see cref="CreateRequest"/> with the user
/// agent fragment <c>lifecycle</c> and send through <see cref="Invoker"/>.
/// </summary>
internal static class HttpGetRequests
{
    /// <summary>
    /// Shared by every probe and hook: no connection reuse (the kubelet disables keep-alives), no proxy, no
    /// automatic redirects (probes follow same-host redirects themselves), no decompression, and TLS certificates
    /// are not verified (InsecureSkipVerify).
    /// </summary>
    public static HttpMessageInvoker Invoker { get; } = new(CreateHandler(), disposeHandler: false);

    public static string UserAgent(string fragment, string kubeVersion) => $"kube-{fragment}/{kubeVersion}";

    /// <summary>
    /// <c>scheme://host:port/path</c>: scheme lowercased (default http), host = httpGet.host or the pod IP, port
    /// resolved against container.ports. False with the kubelet's error text when the port cannot be resolved.
    /// </summary>
    public static bool TryCreateUri(HttpGetAction action, Container container, string podIp, out Uri? uri, out string error)
    {
        uri = null;
        if (!ContainerPorts.TryResolve(action.Port, container, out var port, out error))
        {
            return false;
        }

        var scheme = string.IsNullOrEmpty(action.Scheme) ? "http" : action.Scheme.ToLowerInvariant();
        var host = string.IsNullOrEmpty(action.Host) ? podIp : action.Host;
        var path = action.Path ?? "";
        if (!path.StartsWith('/'))
        {
            path = "/" + path;
        }

        var text = $"{scheme}://{GoErrorText.JoinHostPort(host, port)}{path}";
        if (!Uri.TryCreate(text, UriKind.Absolute, out uri))
        {
            error = $"parse \"{text}\": invalid URL";
            return false;
        }

        return true;
    }

    /// <summary>
    /// A GET with the user's headers; <c>User-Agent: kube-&lt;fragment&gt;/&lt;version&gt;</c> and <c>Accept: */*</c>
    /// unless the user set them (a user header with an empty value removes the default); a user <c>Host</c>
    /// header sets the request's Host. <c>Connection: close</c> as Go sends with keep-alives disabled.
    /// </summary>
    public static HttpRequestMessage CreateRequest(Uri uri, IReadOnlyList<HttpHeader>? headers, string userAgent)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        var h = request.Headers;
        var userAgentSet = false;
        var acceptSet = false;
        foreach (var header in headers ?? [])
        {
            if (header.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                if (header.Value.Length > 0)
                {
                    h.Host = header.Value;
                }

                continue;
            }

            if (header.Name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase))
            {
                userAgentSet = true;
            }
            else if (header.Name.Equals("Accept", StringComparison.OrdinalIgnoreCase))
            {
                acceptSet = true;
            }

            if (header.Value.Length == 0 && (header.Name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase) || header.Name.Equals("Accept", StringComparison.OrdinalIgnoreCase)))
            {
                continue; // Present but empty: the default is removed and nothing is sent.
            }

            h.TryAddWithoutValidation(header.Name, header.Value);
        }

        if (!userAgentSet)
        {
            h.TryAddWithoutValidation("User-Agent", userAgent);
        }

        if (!acceptSet)
        {
            h.TryAddWithoutValidation("Accept", "*/*");
        }

        h.ConnectionClose = true;
        return request;
    }

    private static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.Zero,
        PooledConnectionIdleTimeout = TimeSpan.Zero,
        MaxResponseHeadersLength = 64,
        SslOptions = new SslClientAuthenticationOptions
        {
            // Probes and hooks skip verification like the kubelet (InsecureSkipVerify): pods serve self-signed certs.
#pragma warning disable CA5359
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
        },
    };
}
