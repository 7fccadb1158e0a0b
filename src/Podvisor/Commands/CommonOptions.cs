using System.CommandLine;
using Microsoft.Extensions.Logging;
using Podvisor.Composition;

namespace Podvisor.Commands;

internal static class CommonOptions
{
    public static Option<string> DataDir() => new("--data-dir")
    {
        Description = "Directory for the database, certificates, kubeconfig, logs and runtime state (default ~/.podvisor).",
        DefaultValueFactory = _ => PodvisorNodeOptions.DefaultDataDir,
    };

    /// <summary>Logs go to stderr, so stdout carries only what scripts read (the kubeconfig line).</summary>
    /// <remarks>PODVISOR_LOG_LEVEL (Trace, Debug, Information, Warning, Error) overrides the level.</remarks>
    public static ILoggerFactory CreateLoggerFactory(LogLevel level = LogLevel.Information) =>
        LoggerFactory.Create(b => b
            .SetMinimumLevel(Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("PODVISOR_LOG_LEVEL"), ignoreCase: true, out var fromEnv) ? fromEnv : level)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            }));
}
