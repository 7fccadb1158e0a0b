using Podvisor.Model.Core;

namespace Podvisor.Node.Prober.Runners;

/// <summary>What one probe run produced, before thresholds (SPEC §0.4).</summary>
internal enum ProbeOutcomeKind
{
    Success,

    /// <summary>Counted as Success; reported with a <c>ProbeWarning</c> event.</summary>
    Warning,
    Failure,

    /// <summary>The prober could not run the probe (bad port name, runtime error): retried, then discarded.</summary>
    Error,
}

/// <param name="Output">The probe's output for Success/Warning/Failure; the error text for Error.</param>
internal readonly record struct ProbeOutcome(ProbeOutcomeKind Kind, string Output)
{
    public static ProbeOutcome Success(string output = "") => new(ProbeOutcomeKind.Success, output);

    public static ProbeOutcome Warning(string output) => new(ProbeOutcomeKind.Warning, output);

    public static ProbeOutcome Failure(string output) => new(ProbeOutcomeKind.Failure, output);

    public static ProbeOutcome Error(string error) => new(ProbeOutcomeKind.Error, error);
}

/// <summary>Everything a runner needs for one run. <see cref="RuntimeContainerId"/> has no <c>runtime://</c> prefix.</summary>
internal readonly record struct ProbeRequest(Pod Pod, PodStatus Status, Container Container, string RuntimeContainerId, Probe Probe, TimeSpan Timeout)
{
    /// <summary>The pod IP probes connect to: status.podIP, or 127.0.0.1 (the process runtime shares the host network).</summary>
    public string PodIp => string.IsNullOrEmpty(Status.PodIP) ? "127.0.0.1" : Status.PodIP;
}

/// <summary>Runs one probe once. Never throws for probe failures; throws only OperationCanceledException on <c>ct</c>.</summary>
internal interface IProbeRunner
{
    ValueTask<ProbeOutcome> RunAsync(ProbeRequest request, CancellationToken ct);
}
