using System.CommandLine;

namespace Podvisor.Commands;

internal static class VersionCommand
{
    /// <summary>The Kubernetes API version Podvisor serves (kubectl picks its client by the minor).</summary>
    public const string KubernetesVersion = "v1.32.0";

    public static string PodvisorVersion =>
        typeof(VersionCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static Command Create()
    {
        var command = new Command("version", "Print the Podvisor version and the Kubernetes API version it serves.");
        command.SetAction(parseResult =>
        {
            parseResult.InvocationConfiguration.Output.WriteLine($"podvisor {PodvisorVersion} (Kubernetes {KubernetesVersion})");
            return 0;
        });
        return command;
    }
}
