using Microsoft.Extensions.Logging;

namespace Podvisor.Node.Prober;

internal sealed partial class ProbeWorker
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug,
        Message = "{ProbeType} probe for {Namespace}/{Pod} container {Container} errored 3 times: {Error}")]
    private static partial void LogProbeErrored(ILogger logger, string? pod, string? @namespace, string container, ProbeType probeType, string error);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error,
        Message = "{ProbeType} probe worker for {Namespace}/{Pod} container {Container} stopped unexpectedly")]
    private static partial void LogWorkerCrashed(ILogger logger, Exception exception, string? pod, string? @namespace, string container, ProbeType probeType);
}
