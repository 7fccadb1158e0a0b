using Podvisor.Model.Core;

namespace Podvisor.Node.PodWorkers;

/// <summary>
/// Awaited by a terminating pod worker before any preStop hook or stop signal. The seam for DESIGN.md's "Graceful
/// offline": a later implementation waits (bounded by <paramref name="budget"/>, which is charged to the grace period)
/// until every proxy acknowledged that the pod's endpoints are terminating and in-flight requests drained.
/// </summary>
public interface ITerminationGate
{
    Task WaitAsync(Pod pod, TimeSpan budget, CancellationToken ct);
}

/// <summary>Kubernetes' behaviour: nothing to wait for.</summary>
public sealed class NoTerminationGate : ITerminationGate
{
    public static readonly NoTerminationGate Instance = new();

    public Task WaitAsync(Pod pod, TimeSpan budget, CancellationToken ct) => Task.CompletedTask;
}
