namespace Podvisor.Node.Prober;

public sealed class ProbeManagerOptions
{
    /// <summary>
    /// When the node agent started. A worker created less than one probe period after this instant first waits a
    /// random fraction of its period, so probes of pods adopted after a restart do not all fire at once.
    /// Null: no jitter.
    /// </summary>
    public DateTimeOffset? KubeletStartedAt { get; init; }

    /// <summary>Capacity of <see cref="ProbeManager.Updates"/>. When full, probe workers wait (back-pressure).</summary>
    public int UpdatesCapacity { get; init; } = 1024;

    /// <summary>Kubernetes minor version the probes claim to be, in <c>User-Agent: kube-probe/&lt;version&gt;</c>.</summary>
    public string KubeVersion { get; init; } = "1.32";

    /// <summary>
    /// Probe ticks are moved to the next multiple of this step (at most one step late), so that probes of the same
    /// period fire together and the process wakes once per step instead of once per probe. Zero: exact periods.
    /// </summary>
    public TimeSpan TickAlignment { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Source of the jitter fraction in [0, 1); tests replace it to be deterministic.</summary>
    public Func<double>? JitterSource { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(UpdatesCapacity, 1, nameof(UpdatesCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(TickAlignment, TimeSpan.Zero, nameof(TickAlignment));
        ArgumentException.ThrowIfNullOrWhiteSpace(KubeVersion, nameof(KubeVersion));
    }
}
