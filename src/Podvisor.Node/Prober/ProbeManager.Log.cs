using Microsoft.Extensions.Logging;

namespace Podvisor.Node.Prober;

public sealed partial class ProbeManager
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Started {ProbeType} probe worker for {Namespace}/{Pod} container {Container}")]
    private static partial void LogWorkerStarted(ILogger logger, string? pod, string? @namespace, string container, ProbeType probeType);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Probe result updates channel is full ({Count} pending); probe workers wait until the pod workers catch up")]
    private static partial void LogUpdatesFull(ILogger logger, int count);
}
