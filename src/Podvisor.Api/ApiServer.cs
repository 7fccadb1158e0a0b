using Microsoft.AspNetCore.Builder;
using Podvisor.Api.Endpoints;

namespace Podvisor.Api;

/// <summary>A running API server. StopAsync ends open watches cleanly, then lets in-flight requests finish.</summary>
public sealed class ApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly NamespaceTerminator _terminator;
    private int _stopped;

    internal ApiServer(WebApplication app, NamespaceTerminator terminator, Uri url, string token, string caPem, string kubeconfig, string kubeconfigPath)
    {
        _app = app;
        _terminator = terminator;
        Url = url;
        Token = token;
        CaPem = caPem;
        Kubeconfig = kubeconfig;
        KubeconfigPath = kubeconfigPath;
    }

    /// <summary>https://127.0.0.1:PORT with the real bound port.</summary>
    public Uri Url { get; }

    public int Port => Url.Port;

    public string Token { get; }

    /// <summary>The cluster CA certificate (PEM) clients trust.</summary>
    public string CaPem { get; }

    /// <summary>The kubeconfig text (also written to <see cref="KubeconfigPath"/>).</summary>
    public string Kubeconfig { get; }

    public string KubeconfigPath { get; }

    public async Task StopAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _app.StopAsync(ct);
        await _terminator.DisposeAsync();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
