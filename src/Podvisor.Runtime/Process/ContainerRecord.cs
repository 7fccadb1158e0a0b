using System.Text.Json.Serialization;

namespace Podvisor.Runtime.Process;

/// <summary>
/// What the runtime persists per container ({state}/containers/{id}/state, see <see cref="StateFile"/>), enough to
/// adopt a running container after a restart of Podvisor and to report a finished one.
/// </summary>
internal sealed record ContainerRecord
{
    public required string Id { get; init; }

    public required string SandboxId { get; init; }

    public required string Name { get; init; }

    public required string PodUid { get; init; }

    public int Attempt { get; init; }

    public required string Image { get; init; }

    public required IReadOnlyList<string> Argv { get; init; }

    /// <summary>KEY=VALUE, in order, as the process receives it.</summary>
    public required IReadOnlyList<string> Env { get; init; }

    public required string WorkingDir { get; init; }

    public required string LogPath { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public ContainerRunState State { get; init; }

    public int? Pid { get; init; }

    /// <summary>starttime from /proc/&lt;pid&gt;/stat: a reused pid never matches it.</summary>
    public ulong? ProcessStartTime { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public int? ExitCode { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }
}

internal sealed record SandboxRecord(string Id, string PodUid, string PodName, string PodNamespace, string LogDirectory);

[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerRecord))]
[JsonSerializable(typeof(SandboxRecord))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
