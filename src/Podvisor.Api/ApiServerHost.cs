using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Api.Auth;
using Podvisor.Api.Endpoints;
using Podvisor.Api.Resources;
using Podvisor.Store;

namespace Podvisor.Api;

/// <summary>Starts the Kubernetes-compatible API server: TLS, token auth, system namespaces, kubeconfig.</summary>
public static class ApiServerHost
{
    /// <summary>Namespaces that exist from the first start, as in Kubernetes.</summary>
    public static readonly IReadOnlyList<string> SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    /// <summary>Returns once the server listens and {DataDir}/kubeconfig is written.</summary>
    public static async Task<ApiServer> StartAsync(ApiServerOptions options, CancellationToken ct)
    {
        Directory.CreateDirectory(options.DataDir);
        var tls = options.Tls ?? PrepareTls(options.DataDir, options.TimeProvider, ct);
        var handshake = TlsOptions(tls);
        var token = BearerToken.LoadOrCreate(options.DataDir);
        var registry = options.Registry ?? BuiltInResources.CreateRegistry();
        var endpoint = ParseListen(options.Listen);
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;

        // The empty builder: no configuration files or environment variables (serve is configured by its flags, not
        // by an appsettings.json or ASPNETCORE_* that happen to be around), no logging providers (serve's own
        // factory), only Kestrel and routing. The slim builder's extras cost start-up time and resident memory.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(ApiServerHost).Assembly.GetName().Name });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = RequestBody.DrainLimitBytes;
            k.Listen(endpoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                // Per connection, so Kestrel listens before the certificates are ready: loading them (and, on
                // Linux, the system trust store that the first chain build reads) runs beside the rest of the
                // start instead of holding it; a handshake that arrives earlier waits for them.
                listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = _ => new ValueTask<SslServerAuthenticationOptions>(handshake) });
            });
        });

        var app = builder.Build();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var context = new ApiContext(options.Store, registry, options.TimeProvider, loggerFactory.CreateLogger("Podvisor.Api"), lifetime.ApplicationStopping);
        var terminator = new NamespaceTerminator(context);
        var router = new ApiRouter(context, terminator);
        var auth = new TokenAuthentication(token);
        app.UseRouting();
        app.Use(auth.InvokeAsync);
        app.UseWebSockets();
        options.MapEndpoints?.Invoke(app);

        // Everything else: the generic resource router. Literal routes mapped above take precedence over this catch-all.
        app.Map("/{**path}", router.HandleAsync);

        await EnsureSystemNamespacesAsync(context, ct);
        await app.StartAsync(ct);
        ServingCertificates certificates;
        try
        {
            certificates = await tls;
            await handshake;
        }
        catch
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            throw;
        }

        terminator.Start();

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)))
            .First();
        var host = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) || endpoint.Address.Equals(IPAddress.Loopback)
            ? "127.0.0.1"
            : endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        var url = new Uri($"https://{host}:{bound.Port.ToString(CultureInfo.InvariantCulture)}");
        var kubeconfig = Auth.Kubeconfig.Render(url.ToString().TrimEnd('/'), certificates.CaPem, token);
        var kubeconfigPath = Auth.Kubeconfig.Write(options.DataDir, kubeconfig);
        return new ApiServer(app, terminator, url, token, certificates.CaPem, kubeconfig, kubeconfigPath);
    }

    /// <summary>
    /// Loads or creates the CA and serving certificate (pki/ in the data dir) on another thread, then builds the
    /// serving certificate's chain once: on Linux the first chain build of a process reads the whole system trust
    /// store (/etc/ssl/certs, ~150 files, 70-100 ms; then cached), and here it runs while the store opens. serve
    /// calls this first and passes the task as <see cref="ApiServerOptions.Tls"/>.
    /// </summary>
    public static Task<ServingCertificates> PrepareTls(string dataDir, TimeProvider time, CancellationToken ct) =>
        Task.Run(
            () =>
            {
                var certificates = ServingCertificates.LoadOrCreate(dataDir, time);
                using var chain = new X509Chain();
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.DisableCertificateDownloads = true;
                chain.Build(certificates.Server);
                return certificates;
            },
            ct);

    /// <summary>
    /// The server side of every handshake, built once, as soon as the certificates are there: the serving
    /// certificate's context (its chain built offline) is made a single time, not per connection. ALPN is left to
    /// Kestrel (h2, http/1.1).
    /// </summary>
    private static async Task<SslServerAuthenticationOptions> TlsOptions(Task<ServingCertificates> tls)
    {
        // Always on another thread, also when the certificates are already there: the chain build must not run
        // inline on the caller's start path.
        var certificates = await tls.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificates.Server, additionalCertificates: null, offline: true),
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
    }

    /// <summary>HOST:PORT → endpoint. Accepts "localhost", IPv4, and bracketed IPv6.</summary>
    public static IPEndPoint ParseListen(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ArgumentException($"--listen must be HOST:PORT, got \"{listen}\"", nameof(listen));
        }

        var host = listen[..colon].Trim('[', ']');
        var address = host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed
            : throw new ArgumentException($"--listen host must be an IP address or localhost, got \"{host}\"", nameof(listen));
        return new IPEndPoint(address, port);
    }

    // Concurrently: the four creates share one durable commit instead of four.
    private static Task EnsureSystemNamespacesAsync(ApiContext api, CancellationToken ct) =>
        Task.WhenAll(SystemNamespaces.Select(name => EnsureNamespaceAsync(api, name, ct)));

    private static async Task EnsureNamespaceAsync(ApiContext api, string name, CancellationToken ct)
    {
        var s = api.NamespaceStrategy;
        if (await api.Store.GetAsync(s.Type, null, name, ct) is not null)
        {
            return;
        }

        var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } };
        try
        {
            await api.Store.CreateAsync(s.Type, s.PrepareForCreate?.Invoke(ns) ?? ns, ct);
        }
        catch (StoreException e) when (e.Reason == StoreErrorReason.AlreadyExists)
        {
            // Another API server sharing the store created it first.
        }
    }
}
