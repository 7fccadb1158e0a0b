namespace Podvisor.Runtime.Process;

/// <summary>Settings of the <c>process</c> runtime. <see cref="Validate"/> runs in the runtime's constructor.</summary>
public sealed record ProcessRuntimeOptions
{
    /// <summary>Where container state (JSON records, log FIFOs) lives, typically <c>{dataDir}/runtime</c>.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Optional image catalog overriding the shipped one per image, typically <c>{dataDir}/images.yaml</c>.</summary>
    public string? ImageCatalogPath { get; init; }

    /// <summary>Pod IP and host IP reported for every sandbox (containers share the host network).</summary>
    public string NodeIp { get; init; } = "127.0.0.1";

    /// <summary>Signal sent first by StopContainer (SIGTERM).</summary>
    public int StopSignal { get; init; } = 15;

    /// <summary>Rotate a container log when it reaches this size (the kubelet's containerLogMaxSize, 10Mi).</summary>
    public long LogMaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Files kept per container log, the live one included (the kubelet's containerLogMaxFiles, 5).</summary>
    public int LogMaxFiles { get; init; } = 5;

    /// <summary>How long StopContainer waits for stragglers of a group that was already SIGKILLed.</summary>
    public TimeSpan GroupExitWait { get; init; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(StateDirectory))
        {
            throw new ArgumentException("StateDirectory is required", nameof(StateDirectory));
        }

        if (StopSignal is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(StopSignal), StopSignal, "a signal number 1-64");
        }

        if (LogMaxBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(LogMaxBytes), LogMaxBytes, "at least 1024 bytes");
        }

        if (LogMaxFiles < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(LogMaxFiles), LogMaxFiles, "at least 1");
        }
    }
}
