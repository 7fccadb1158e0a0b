using Microsoft.Extensions.Logging;

namespace Podvisor.Client.Informers;

internal static partial class InformerLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Informer {Resource}: watch expired ({Reason}), relisting in {Delay}")]
    public static partial void WatchExpired(ILogger logger, string resource, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Informer {Resource}: list/watch failed, retrying in {Delay}")]
    public static partial void ListWatchFailed(ILogger logger, Exception exception, string resource, TimeSpan delay);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Informer {Resource}: a subscriber's queue is full ({Capacity}); the watch loop waits for it")]
    public static partial void SubscriberFull(ILogger logger, string resource, int capacity);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Informer {Resource}: a subscriber failed handling {Type} of {Key}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string resource, InformerEventType type, string key);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug, Message = "Informer {Resource}: synced {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string resource, int count, string resourceVersion);
}
