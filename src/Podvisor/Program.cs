using System.CommandLine;
using Podvisor.Commands;

namespace Podvisor;

internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Podvisor: a single-binary, Kubernetes-compatible node.")
        {
            ServeCommand.Create(),
            DownCommand.Create(),
            KubeconfigCommand.Create(),
            VersionCommand.Create(),
        };
        return root.Parse(args).InvokeAsync();
    }
}
