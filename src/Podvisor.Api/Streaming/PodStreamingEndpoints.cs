using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Podvisor.Api.Endpoints;
using Podvisor.Store;

namespace Podvisor.Api.Streaming;

/// <summary>
/// The pod subresources kubectl streams: log (text/plain, chunked when following), exec and attach (WebSocket
/// v5.channel.k8s.io) and portforward (SPDY/3.1 inside WebSocket). Requires UseWebSockets in the pipeline.
/// </summary>
public static class PodStreamingEndpoints
{
    private const string PodPath = "/api/v1/namespaces/{namespace}/pods/{name}";

    public static IEndpointRouteBuilder MapPodStreaming(
        this IEndpointRouteBuilder routes,
        IResourceStore store,
        IPodStreamingBackend backend,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Podvisor.Api.Streaming");
        var streamer = new CriLogStreamer(time);
        // Plain RequestDelegates that read the route values themselves: a handler with parameters would go through
        // RequestDelegateFactory, which builds and compiles expression trees for every endpoint on the first request
        // to any route (~1,000 methods JIT-compiled, System.Linq.Expressions loaded), on the path of serve's first
        // /readyz.
        routes.MapGet(PodPath + "/log", context =>
            LogAsync(context, store, backend, streamer, time, RouteValue(context, "namespace"), RouteValue(context, "name")));
        routes.MapMethods(PodPath + "/exec", ["GET", "POST"], context =>
            ExecAsync(context, store, backend, streamer, RouteValue(context, "namespace"), RouteValue(context, "name"), attach: false));
        routes.MapMethods(PodPath + "/attach", ["GET", "POST"], context =>
            ExecAsync(context, store, backend, streamer, RouteValue(context, "namespace"), RouteValue(context, "name"), attach: true));
        routes.MapMethods(PodPath + "/portforward", ["GET", "POST"], context =>
            PortForwardAsync(context, store, backend, logger, RouteValue(context, "namespace"), RouteValue(context, "name")));
        return routes;
    }

    /// <summary>A route parameter of <see cref="PodPath"/>; the route matched, so it is there and not empty.</summary>
    private static string RouteValue(HttpContext context, string key) => (string)context.Request.RouteValues[key]!;

    private static async Task LogAsync(HttpContext context, IResourceStore store, IPodStreamingBackend backend, CriLogStreamer streamer, TimeProvider time, string ns, string name)
    {
        var ct = context.RequestAborted;
        var pod = await store.GetAsync(KnownResourceTypes.Pods, ns, name, ct);
        if (pod is null)
        {
            await WriteStatusAsync(context, 404, "NotFound", $"pods \"{name}\" not found", name);
            return;
        }

        var query = context.Request.Query;
        var (container, error) = ResolveContainer(pod, name, query["container"]);
        if (error is not null)
        {
            await WriteStatusAsync(context, 400, "BadRequest", error, name);
            return;
        }

        var previous = IsTrue(query["previous"]);
        var location = await backend.GetLogAsync(pod, container!, previous, ct);
        if (location is null)
        {
            var message = previous
                ? $"previous terminated container \"{container}\" in pod \"{name}\" not found"
                : $"container \"{container}\" in pod \"{name}\" is waiting to start: {WaitingReason(pod, container!) ?? "ContainerCreating"}";
            await WriteStatusAsync(context, 400, "BadRequest", message, name);
            return;
        }

        LogOptions options;
        try
        {
            options = ParseLogOptions(query, time);
        }
        catch (FormatException e)
        {
            await WriteStatusAsync(context, 400, "BadRequest", e.Message, name);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.StartAsync(ct);
        try
        {
            await streamer.StreamAsync(location, options, context.Response.Body, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the client stopped following
        }
    }

    private static async Task ExecAsync(
        HttpContext context, IResourceStore store, IPodStreamingBackend backend, CriLogStreamer streamer, string ns, string name, bool attach)
    {
        var ct = context.RequestAborted;
        var pod = await store.GetAsync(KnownResourceTypes.Pods, ns, name, ct);
        if (pod is null)
        {
            await WriteStatusAsync(context, 404, "NotFound", $"pods \"{name}\" not found", name);
            return;
        }

        var query = context.Request.Query;
        var tty = IsTrue(query["tty"]);
        if (attach && (IsTrue(query["stdin"]) || tty))
        {
            // Before the upgrade check, so kubectl's SPDY fallback gets this message too and prints it.
            await WriteStatusAsync(context, 400, "BadRequest", "attach with stdin or a TTY needs the oci runtime; the process runtime attaches to output only", name);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest || !context.WebSockets.WebSocketRequestedProtocols.Contains(ExecWebSocketHandler.Subprotocol))
        {
            await WriteStatusAsync(context, 400, "BadRequest", $"exec needs a WebSocket upgrade with the {ExecWebSocketHandler.Subprotocol} subprotocol", name);
            return;
        }

        var (container, error) = ResolveContainer(pod, name, query["container"]);
        var command = query["command"].Where(c => c is not null).Select(c => c!).ToList();
        if (error is null && command.Count == 0 && !attach)
        {
            error = "you must specify at least 1 command";
        }

        if (error is not null)
        {
            await WriteStatusAsync(context, 400, "BadRequest", error, name);
            return;
        }

        Func<CancellationToken, Task<IPodExecProcess>> start = token => backend.ExecAsync(pod, container!, command, tty, token);
        if (attach)
        {
            var location = await backend.GetLogAsync(pod, container!, previous: false, ct);
            if (location is null)
            {
                await WriteStatusAsync(context, 400, "BadRequest", $"container {container} in pod {name} is not running", name);
                return;
            }

            start = _ => Task.FromResult<IPodExecProcess>(new LogAttachProcess(streamer, location));
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = ExecWebSocketHandler.Subprotocol });
        await ExecWebSocketHandler.RunAsync(socket, start, IsTrue(query["stdin"]), ct);
    }

    private static async Task PortForwardAsync(HttpContext context, IResourceStore store, IPodStreamingBackend backend, ILogger logger, string ns, string name)
    {
        var ct = context.RequestAborted;
        var pod = await store.GetAsync(KnownResourceTypes.Pods, ns, name, ct);
        if (pod is null)
        {
            await WriteStatusAsync(context, 404, "NotFound", $"pods \"{name}\" not found", name);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest || !RawWebSocketUpgrade.Offers(context, PortForwardSession.Subprotocol))
        {
            await WriteStatusAsync(context, 400, "BadRequest", $"port-forward needs a WebSocket upgrade with the {PortForwardSession.Subprotocol} subprotocol", name);
            return;
        }

        using var socket = await RawWebSocketUpgrade.AcceptAsync(context, PortForwardSession.Subprotocol);
        if (socket is null)
        {
            await WriteStatusAsync(context, 400, "BadRequest", "port-forward needs an HTTP/1.1 WebSocket upgrade", name);
            return;
        }

        await using var session = new PortForwardSession(socket, (port, token) => backend.ConnectAsync(pod, port, token), logger);
        await session.RunAsync(ct);
    }

    /// <summary>The container named in the query, or the pod's default one when it has exactly one (or an annotation).</summary>
    internal static (string? Container, string? Error) ResolveContainer(JsonObject pod, string podName, string? requested)
    {
        var names = ContainerNames(pod, "containers").ToList();
        var all = names.Concat(ContainerNames(pod, "initContainers")).ToList();
        if (string.IsNullOrEmpty(requested))
        {
            var annotated = (string?)pod["metadata"]?["annotations"]?["kubectl.kubernetes.io/default-container"];
            if (annotated is not null && all.Contains(annotated))
            {
                return (annotated, null);
            }

            return names.Count == 1
                ? (names[0], null)
                : (null, $"a container name must be specified for pod {podName}, choose one of: [{string.Join(' ', names)}]");
        }

        return all.Contains(requested)
            ? (requested, null)
            : (null, $"container {requested} is not valid for pod {podName}");
    }

    private static IEnumerable<string> ContainerNames(JsonObject pod, string field) =>
        (pod["spec"]?[field] as JsonArray ?? []).Select(c => (string?)c?["name"]).Where(n => n is not null).Select(n => n!);

    private static string? WaitingReason(JsonObject pod, string container)
    {
        foreach (var field in new[] { "containerStatuses", "initContainerStatuses" })
        {
            foreach (var status in pod["status"]?[field] as JsonArray ?? [])
            {
                if ((string?)status?["name"] == container)
                {
                    return (string?)status?["state"]?["waiting"]?["reason"];
                }
            }
        }

        return null;
    }

    private static LogOptions ParseLogOptions(IQueryCollection query, TimeProvider time)
    {
        DateTimeOffset? since = null;
        if (query["sinceSeconds"].FirstOrDefault() is { Length: > 0 } seconds)
        {
            since = time.GetUtcNow() - TimeSpan.FromSeconds(ParsePositive(seconds, "sinceSeconds"));
        }
        else if (query["sinceTime"].FirstOrDefault() is { Length: > 0 } sinceTime)
        {
            if (!DateTimeOffset.TryParse(sinceTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            {
                throw new FormatException($"invalid sinceTime \"{sinceTime}\"");
            }

            since = t;
        }

        return new LogOptions
        {
            Follow = IsTrue(query["follow"]),
            Timestamps = IsTrue(query["timestamps"]),
            Since = since,
            TailLines = query["tailLines"].FirstOrDefault() is { Length: > 0 } tail ? ParseNonNegative(tail, "tailLines") : null,
            LimitBytes = query["limitBytes"].FirstOrDefault() is { Length: > 0 } limit ? ParsePositive(limit, "limitBytes") : null,
        };
    }

    private static long ParsePositive(string value, string field) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new FormatException($"{field}: Invalid value: \"{value}\": must be greater than 0");

    private static long ParseNonNegative(string value, string field) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"{field}: Invalid value: \"{value}\": must be greater than or equal to 0");

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) =>
        string.Equals(value.FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase) || value.FirstOrDefault() == "1";

    private static Task WriteStatusAsync(HttpContext context, int code, string reason, string message, string name) =>
        Responses.WriteAsync(context, code, ApiError.StatusJson(code, reason, message, new JsonObject { ["name"] = name, ["kind"] = "pods" }));
}
