using Microsoft.Extensions.Logging;

namespace Podvisor.Controllers.Scheduling;

public sealed partial class Scheduler
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Bound {Namespace}/{Pod} to {Node}")]
    private static partial void LogBound(ILogger logger, string? @namespace, string? pod, string node);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Binding {Key} failed; retrying after back-off")]
    private static partial void LogBindFailed(ILogger logger, Exception exception, string key);
}
