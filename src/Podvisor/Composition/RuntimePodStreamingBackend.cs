using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Podvisor.Api.Streaming;
using Podvisor.Runtime;
using Podvisor.Runtime.Process;

namespace Podvisor.Composition;

/// <summary>
/// Serves pods/log, exec and portforward from the container runtime and the pod's log directory. The runtime is a
/// task because serve opens it while the API server starts; a request before then waits for it.
/// </summary>
internal sealed class RuntimePodStreamingBackend(Task<ProcessRuntime> opening, string podLogDirectory) : IPodStreamingBackend
{
    public async Task<ContainerLogLocation?> GetLogAsync(JsonObject pod, string container, bool previous, CancellationToken ct)
    {
        var status = FindStatus(pod, container);
        var currentId = RuntimeId((string?)status?["containerID"]);
        var dir = Path.Combine(
            podLogDirectory,
            $"{(string?)pod["metadata"]?["namespace"]}_{(string?)pod["metadata"]?["name"]}_{(string?)pod["metadata"]?["uid"]}",
            container);
        if (!previous)
        {
            if (currentId is null || await (await opening).ContainerStatusAsync(currentId, ct) is not { } info)
            {
                return null;
            }

            return new ContainerLogLocation(info.LogPath, WaitExitAsync(currentId));
        }

        // The previous instance: its recorded id if the runtime still has it, else the log file before the current one.
        var previousId = RuntimeId((string?)status?["lastState"]?["terminated"]?["containerID"]);
        if (previousId is not null && await (await opening).ContainerStatusAsync(previousId, ct) is { } prev && File.Exists(prev.LogPath))
        {
            return new ContainerLogLocation(prev.LogPath, Task.CompletedTask);
        }

        var restartCount = (int?)status?["restartCount"] ?? 0;
        if (restartCount == 0 || !Directory.Exists(dir))
        {
            return null;
        }

        var candidate = Path.Combine(dir, $"{restartCount - 1}.log");
        return File.Exists(candidate) ? new ContainerLogLocation(candidate, Task.CompletedTask) : null;
    }

    public async Task<IPodExecProcess> ExecAsync(JsonObject pod, string container, IReadOnlyList<string> command, bool tty, CancellationToken ct)
    {
        var id = RuntimeId((string?)FindStatus(pod, container)?["containerID"]);
        var running = FindStatus(pod, container)?["state"]?["running"] is not null;
        if (id is null || !running)
        {
            throw new PodStreamingException($"container {container} is not running");
        }

        try
        {
            return new ExecProcess(await (await opening).ExecAsync(id, command, tty, ct));
        }
        catch (RuntimeException e)
        {
            throw new PodStreamingException(e.Message, e);
        }
    }

    public async Task<Stream> ConnectAsync(JsonObject pod, int port, CancellationToken ct)
    {
        var ip = (string?)pod["status"]?["podIP"] ?? "127.0.0.1";
        var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await client.ConnectAsync(IPAddress.Parse(ip), port, ct);
            return client.GetStream();
        }
        catch (SocketException e)
        {
            client.Dispose();
            throw new PodStreamingException($"error forwarding port {port} to pod {(string?)pod["metadata"]?["uid"]}: failed to connect to {ip}:{port}: {e.Message}", e);
        }
    }

    private async Task WaitExitAsync(string id)
    {
        try
        {
            await (await opening).WaitContainerExitAsync(id, CancellationToken.None);
        }
        catch (RuntimeException)
        {
            // unknown to the runtime: treat as exited
        }
    }

    private static JsonNode? FindStatus(JsonObject pod, string container)
    {
        foreach (var field in new[] { "containerStatuses", "initContainerStatuses" })
        {
            foreach (var s in pod["status"]?[field] as JsonArray ?? [])
            {
                if ((string?)s?["name"] == container)
                {
                    return s;
                }
            }
        }

        return null;
    }

    private static string? RuntimeId(string? containerId)
    {
        if (string.IsNullOrEmpty(containerId))
        {
            return null;
        }

        var i = containerId.IndexOf("://", StringComparison.Ordinal);
        return i < 0 ? containerId : containerId[(i + 3)..];
    }

    private sealed class ExecProcess(IExecSession session) : IPodExecProcess
    {
        public Stream Stdin => session.Stdin;

        public Stream Stdout => session.Stdout;

        public Stream Stderr => session.Stderr;

        public Task<int> ExitCode => session.ExitCode;

        public ValueTask DisposeAsync() => session.DisposeAsync();
    }
}
