using Microsoft.Extensions.Logging;
using Podvisor.Client;
using Podvisor.Node.Lifecycle;
using Podvisor.Node.Restart;
using Podvisor.Node.Status;
using Podvisor.Runtime;

namespace Podvisor.Node.PodWorkers;

/// <summary>What every pod worker of one agent shares. All members are thread-safe.</summary>
public sealed class PodWorkerContext
{
    public required string NodeName { get; init; }

    public required IContainerRuntime Runtime { get; init; }

    public required IPodvisorClient Client { get; init; }

    public required IEventRecorder Events { get; init; }

    public required StatusManager Status { get; init; }

    public required IPodProbes Probes { get; init; }

    public required TimeProvider Time { get; init; }

    public required ILogger Logger { get; init; }

    public required LifecycleHookRunner Hooks { get; init; }

    public required CrashLoopBackOff BackOff { get; init; }

    public ITerminationGate TerminationGate { get; init; } = NoTerminationGate.Instance;

    /// <summary>Root of pod log directories: {root}/{namespace}_{name}_{uid}/{container}/{restartCount}.log.</summary>
    public required string PodLogDirectory { get; init; }

    /// <summary>Pod IP used for adopted pods whose sandbox was created by an earlier agent.</summary>
    public string NodeIp { get; init; } = "127.0.0.1";

    /// <summary>Delay before retrying a sync that failed unexpectedly.</summary>
    public TimeSpan SyncRetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}
