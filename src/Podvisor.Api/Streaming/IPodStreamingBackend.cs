using System.Text.Json.Nodes;

namespace Podvisor.Api.Streaming;

/// <summary>
/// What the pod subresources log, exec, attach and portforward need from the node: implemented over the container
/// runtime at composition, so the API project does not depend on the runtime.
/// </summary>
public interface IPodStreamingBackend
{
    /// <summary>
    /// The CRI-format log file of the container's current (or previous) instance, or null when there is none.
    /// </summary>
    Task<ContainerLogLocation?> GetLogAsync(JsonObject pod, string container, bool previous, CancellationToken ct);

    /// <summary>Starts a command in the container. Throws <see cref="PodStreamingException"/> when it cannot.</summary>
    Task<IPodExecProcess> ExecAsync(JsonObject pod, string container, IReadOnlyList<string> command, bool tty, CancellationToken ct);

    /// <summary>Opens a TCP connection to the pod's port. Throws <see cref="PodStreamingException"/> when it cannot.</summary>
    Task<Stream> ConnectAsync(JsonObject pod, int port, CancellationToken ct);
}

/// <param name="Path">The live log file (CRI format: "&lt;RFC3339Nano&gt; stdout|stderr F|P &lt;text&gt;").</param>
/// <param name="Exited">Completes when the instance writing this file has exited (already complete for a previous one).</param>
public sealed record ContainerLogLocation(string Path, Task Exited);

/// <summary>A running exec. Dispose kills it if still running.</summary>
public interface IPodExecProcess : IAsyncDisposable
{
    Stream Stdin { get; }

    Stream Stdout { get; }

    Stream Stderr { get; }

    Task<int> ExitCode { get; }
}

public sealed class PodStreamingException(string message, Exception? inner = null) : Exception(message, inner);
