namespace Podvisor.Node.PodWorkers;

/// <summary>
/// Crash-loop back-off as the pod worker uses it (SPEC §1.9). Keys are
/// <c>podName_namespace_podUID_containerName_specHash</c>. Implementations are thread-safe.
/// </summary>
public interface IRestartBackOff
{
    /// <summary>True while <paramref name="now"/> − <paramref name="finishedAt"/> is shorter than the key's current back-off.</summary>
    bool IsInBackOff(string key, DateTimeOffset finishedAt, DateTimeOffset now, out TimeSpan backOff, out TimeSpan remaining);

    /// <summary>Records a restart: first (or expired) → initial back-off; else doubled up to the cap.</summary>
    void Next(string key, DateTimeOffset finishedAt);

    void Forget(string keyPrefix);
}

/// <summary>client-go's flowcontrol.Backoff with the kubelet's numbers: 10 s initial, ×2, 300 s cap, expiry after 2×cap.</summary>
public sealed class ExponentialRestartBackOff(TimeSpan initial, TimeSpan max) : IRestartBackOff
{
    private readonly Dictionary<string, (TimeSpan BackOff, DateTimeOffset LastUpdate)> _entries = new(StringComparer.Ordinal);

    public ExponentialRestartBackOff()
        : this(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(300))
    {
    }

    public bool IsInBackOff(string key, DateTimeOffset finishedAt, DateTimeOffset now, out TimeSpan backOff, out TimeSpan remaining)
    {
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out var entry) || finishedAt - entry.LastUpdate > 2 * max)
            {
                backOff = TimeSpan.Zero;
                remaining = TimeSpan.Zero;
                return false;
            }

            backOff = entry.BackOff;
            remaining = entry.BackOff - (now - finishedAt);
            return remaining > TimeSpan.Zero;
        }
    }

    public void Next(string key, DateTimeOffset finishedAt)
    {
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out var entry) || finishedAt - entry.LastUpdate > 2 * max)
            {
                _entries[key] = (initial, finishedAt);
                return;
            }

            var next = entry.BackOff * 2;
            _entries[key] = (next > max ? max : next, finishedAt);
        }
    }

    public void Forget(string keyPrefix)
    {
        lock (_entries)
        {
            foreach (var key in _entries.Keys.Where(k => k.StartsWith(keyPrefix, StringComparison.Ordinal)).ToList())
            {
                _entries.Remove(key);
            }
        }
    }
}
