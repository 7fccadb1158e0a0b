using System.CommandLine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
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
    /// <remarks>
    /// PODVISOR_LOG_LEVEL (Trace, Debug, Information, Warning, Error) overrides the level. Built without a service
    /// container: LoggerFactory.Create composes one (options, configuration binding, formatter registry) for the
    /// same console provider and took 26-35 ms of every start, before anything else could begin.
    /// </remarks>
    public static ILoggerFactory CreateLoggerFactory(LogLevel level = LogLevel.Information)
    {
        var filter = new LoggerFilterOptions
        {
            MinLevel = Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("PODVISOR_LOG_LEVEL"), ignoreCase: true, out var fromEnv) ? fromEnv : level,
        };
        filter.Rules.Add(new LoggerFilterRule(providerName: null, categoryName: "Microsoft", logLevel: LogLevel.Warning, filter: null));
        var console = new ConsoleLoggerProvider(
            new FixedOptions<ConsoleLoggerOptions>(new ConsoleLoggerOptions { LogToStandardErrorThreshold = LogLevel.Trace, FormatterName = LogLineFormatter.Id }),
            [new LogLineFormatter(TimeProvider.System)]);
        var factory = new LoggerFactory([], filter);
        factory.AddProvider(console); // added, not passed in: the factory then disposes it, which flushes its queue
        return factory;
    }
}
