using System.CommandLine;

namespace Podvisor.Commands;

/// <summary>podvisor kubeconfig: prints the kubeconfig that serve wrote (server URL, CA data, token).</summary>
internal static class KubeconfigCommand
{
    public static Command Create()
    {
        var dataDir = CommonOptions.DataDir();
        var command = new Command("kubeconfig", "Print the kubeconfig for the Podvisor in the data dir.") { dataDir };
        command.SetAction(async (parse, ct) =>
        {
            var path = Path.Combine(parse.GetValue(dataDir)!, "kubeconfig");
            if (!File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"error: no kubeconfig at {path}; start `podvisor serve` first");
                return 1;
            }

            await parse.InvocationConfiguration.Output.WriteAsync(await File.ReadAllTextAsync(path, ct));
            return 0;
        });
        return command;
    }
}
