namespace Podvisor.Node;

/// <summary>Settings of the node agent.</summary>
public sealed record NodeAgentOptions
{
    /// <summary>The Node object's name; default the host name (lower-cased).</summary>
    public string NodeName { get; init; } = System.Net.Dns.GetHostName().ToLowerInvariant();

    /// <summary>Root of pod log directories ({root}/{namespace}_{name}_{uid}/{container}/{n}.log).</summary>
    public required string PodLogDirectory { get; init; }

    public string NodeIp { get; init; } = "127.0.0.1";

    public int MaxPods { get; init; } = 110;

    /// <summary>How often the Node's Ready condition heartbeat is written.</summary>
    public TimeSpan NodeStatusUpdateFrequency { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Crash-loop back-off start (kubelet: 10 s) and cap (300 s).</summary>
    public TimeSpan InitialRestartBackOff { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRestartBackOff { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Delay before a failed list/watch of pods is retried.</summary>
    public TimeSpan RelistDelay { get; init; } = TimeSpan.FromSeconds(1);

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(NodeName);
        ArgumentException.ThrowIfNullOrWhiteSpace(PodLogDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPods, 1);
    }
}
