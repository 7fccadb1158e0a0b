using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Podvisor.Api.Streaming;

/// <summary>
/// The RFC 6455 server handshake done by hand, for subprotocols .NET refuses to name: kubectl's port-forward protocol
/// "SPDY/3.1+portforward.k8s.io" contains '/', which is not an RFC 7230 token, so AcceptWebSocketAsync throws.
/// </summary>
internal static class RawWebSocketUpgrade
{
    private const string Rfc6455Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Null when the request is not an upgradable WebSocket request.</summary>
    public static async Task<WebSocket?> AcceptAsync(HttpContext context, string subprotocol)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var key = context.Request.Headers.SecWebSocketKey.ToString();
        if (upgrade is not { IsUpgradableRequest: true } || key.Length == 0)
        {
            return null;
        }

#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for the accept key; it protects nothing.
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Rfc6455Guid)));
#pragma warning restore CA5350
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = accept;
        context.Response.Headers.SecWebSocketProtocol = subprotocol;
        var stream = await upgrade.UpgradeAsync();
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = TimeSpan.FromSeconds(30),
        });
    }

    /// <summary>Whether the client offered the subprotocol (Sec-WebSocket-Protocol is a comma-separated list).</summary>
    public static bool Offers(HttpContext context, string subprotocol) =>
        context.Request.Headers.SecWebSocketProtocol
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Contains(subprotocol, StringComparer.Ordinal);
}
