using Microsoft.Extensions.Logging;

namespace Podvisor.Runtime.Process;

public sealed partial class ProcessRuntime
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug, Message = "Started container {Container} ({ContainerId}) as pid {Pid}")]
    private static partial void LogStarted(ILogger logger, string container, string containerId, int pid);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Container {Container} ({ContainerId}) pid {Pid} exited: {ExitCode} {Reason}")]
    private static partial void LogExited(ILogger logger, string container, string containerId, int pid, int? exitCode, string? reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Adopted running container {Container} ({ContainerId}) pid {Pid}")]
    private static partial void LogAdopted(ILogger logger, string container, string containerId, int pid);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Container {Container} ({ContainerId}) pid {Pid} was recorded running but is gone")]
    private static partial void LogLost(ILogger logger, string container, string containerId, int pid);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Ignoring unreadable runtime state {Path}")]
    private static partial void LogCorruptState(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Error, Message = "Process runtime I/O loop handler failed")]
    private static partial void LogLoopError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Session {Session} still has {Count} live processes after SIGKILL")]
    private static partial void LogStragglers(ILogger logger, int session, int count);
}
