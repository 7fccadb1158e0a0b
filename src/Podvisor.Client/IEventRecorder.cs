using Podvisor.Model.Core;

namespace Podvisor.Client;

/// <summary>
/// Records core/v1 Events about an object, as the kubelet and controllers do. Returns immediately (events are written
/// in the background through a bounded queue; overflow is logged, never blocks the caller). Repeats of the same
/// (object, type, reason, message) are aggregated into one Event with count and lastTimestamp.
/// </summary>
public interface IEventRecorder
{
    /// <param name="involved">The object the event is about (kind, namespace, name, uid, apiVersion, optional fieldPath).</param>
    /// <param name="type">"Normal" or "Warning".</param>
    void Record(ObjectReference involved, string type, string reason, string message);

    /// <summary>
    /// Records an event that happened at <paramref name="occurredAt"/> (its firstTimestamp and the time in its name),
    /// for a component whose event must sort before what its write caused, as Scheduled before the kubelet's events.
    /// Recorders that keep no times record it as now.
    /// </summary>
    void Record(ObjectReference involved, string type, string reason, string message, DateTimeOffset occurredAt) =>
        Record(involved, type, reason, message);
}
