namespace Podvisor.Node.PodWorkers;

/// <summary>Restart decisions by policy (SPEC §2.4), pure.</summary>
public static class RestartRules
{
    /// <summary>Whether an exited regular container is started again.</summary>
    public static bool ShouldRestart(string? restartPolicy, int exitCode) => (restartPolicy ?? "Always") switch
    {
        "Never" => false,
        "OnFailure" => exitCode != 0,
        _ => true,
    };
}
