using Podvisor.Model.Core;

namespace Podvisor.Node.Prober;

/// <summary>The three kinds of container probe. The names are the capitalised words used in event messages.</summary>
public enum ProbeType
{
    Startup,
    Liveness,
    Readiness,
}

/// <summary>
/// A published probe result. A probe run that ends in Warning (e.g. an off-host HTTP redirect) is published as
/// <see cref="Success"/> and reported with a <c>ProbeWarning</c> event; a run that errors is never published.
/// </summary>
public enum ProbeResult
{
    Unknown,
    Success,
    Failure,
}

/// <summary>Identifies one probe worker: one per (pod UID, container name, probe type).</summary>
public readonly record struct ProbeKey(string PodUid, string ContainerName, ProbeType Type);

/// <summary>
/// A change of the published result for one container instance. <see cref="ContainerId"/> is the container ID
/// exactly as it appears in the container status (e.g. <c>process://4f1c…</c>).
/// </summary>
public sealed record ProbeResultUpdate(ProbeKey Key, string ContainerId, ProbeResult Result);

/// <summary>The latest pod object and the status the pod worker computed for it; both are immutable snapshots.</summary>
public sealed record PodSnapshot(Pod Pod, PodStatus Status);

/// <summary>
/// Implemented by the pod workers. Called by every probe worker once per tick, from thread-pool threads, so it
/// must return immediately and be safe to call concurrently.
/// </summary>
public interface IPodStatusSource
{
    /// <summary>Null while the pod has no status yet (not started) or after it was forgotten.</summary>
    PodSnapshot? GetSnapshot(string podUid);
}
