namespace Podvisor.Composition;

/// <summary>What `podvisor serve` composes: one data dir, one listen address, one datastore, one runtime.</summary>
internal sealed record PodvisorNodeOptions
{
    public required string DataDir { get; init; }

    /// <summary>HOST:PORT; port 0 picks a free port.</summary>
    public string Listen { get; init; } = "127.0.0.1:6443";

    /// <summary>null = embedded SQLite in the data dir.</summary>
    public string? Datastore { get; init; }

    public string Runtime { get; init; } = "process";

    public string? NodeName { get; init; }

    public static string DefaultDataDir =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".podvisor");
}
