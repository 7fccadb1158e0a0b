using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Podvisor.Node.Prober;

/// <summary>
/// The published result per (container instance, probe type), like the kubelet's results manager. Only changes
/// are written to <see cref="Updates"/>. The channel is bounded with <see cref="BoundedChannelFullMode.Wait"/>:
/// a writer (a probe worker) that finds it full logs that once and then waits, so a slow consumer slows probing
/// down instead of losing a transition.
/// </summary>
internal sealed class ProbeResultsCache
{
    private readonly ConcurrentDictionary<(string RuntimeId, ProbeType Type), ProbeResult> _results = new();
    private readonly Channel<ProbeResultUpdate> _updates;
    private readonly Action<int>? _onFull;

    public ProbeResultsCache(int capacity, Action<int>? onFull = null)
    {
        _updates = Channel.CreateBounded<ProbeResultUpdate>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        _onFull = onFull;
    }

    public ChannelReader<ProbeResultUpdate> Updates => _updates.Reader;

    /// <summary>The result for a container ID (with or without its <c>runtime://</c> prefix), or false if none.</summary>
    public bool TryGet(string containerId, ProbeType type, out ProbeResult result) =>
        _results.TryGetValue((ContainerIds.ToRuntimeId(containerId), type), out result);

    /// <summary>Stores the result; when it differs from the stored one, publishes an update (waiting if full).</summary>
    /// <param name="runtimeId">The ID without its prefix (the cache key); <paramref name="containerId"/> is published.</param>
    public ValueTask SetAsync(ProbeKey key, string containerId, string runtimeId, ProbeResult result, CancellationToken ct)
    {
        var id = (runtimeId, key.Type);
        if (_results.TryGetValue(id, out var previous) && previous == result)
        {
            return ValueTask.CompletedTask;
        }

        _results[id] = result;
        var update = new ProbeResultUpdate(key, containerId, result);
        if (_updates.Writer.TryWrite(update))
        {
            return ValueTask.CompletedTask;
        }

        _onFull?.Invoke(_updates.Reader.Count);
        return _updates.Writer.WriteAsync(update, ct);
    }

    public void Remove(string runtimeId, ProbeType type) => _results.TryRemove((runtimeId, type), out _);

    public void Complete() => _updates.Writer.TryComplete();
}
