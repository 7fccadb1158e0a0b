using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Podvisor.Composition;

namespace Podvisor.Commands;

/// <summary>
/// podvisor serve: runs the whole node. Prints "kubeconfig: PATH" on stdout when ready. SIGINT/SIGTERM stop it
/// gracefully and leave pods running, as the kubelet does; the next serve adopts them.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var dataDir = CommonOptions.DataDir();
        var listen = new Option<string>("--listen")
        {
            Description = "HOST:PORT the API server listens on; port 0 picks a free port.",
            DefaultValueFactory = _ => "127.0.0.1:6443",
        };
        var datastore = new Option<string?>("--datastore") { Description = "Datastore URL (default: embedded SQLite in the data dir)." };
        var runtime = new Option<string>("--runtime")
        {
            Description = "Container runtime: process (host processes).",
            DefaultValueFactory = _ => "process",
        };
        var nodeName = new Option<string?>("--node-name") { Description = "Name of this node (default: the host name)." };
        var command = new Command("serve", "Run Podvisor: API server, scheduler, node agent and runtime.")
        {
            dataDir, listen, datastore, runtime, nodeName,
        };
        command.SetAction((parse, ct) => RunAsync(
            new PodvisorNodeOptions
            {
                DataDir = parse.GetValue(dataDir)!,
                Listen = parse.GetValue(listen)!,
                Datastore = parse.GetValue(datastore),
                Runtime = parse.GetValue(runtime)!,
                NodeName = parse.GetValue(nodeName),
            },
            parse.InvocationConfiguration.Output,
            ct));
        return command;
    }

    private static async Task<int> RunAsync(PodvisorNodeOptions options, TextWriter stdout, CancellationToken ct)
    {
        using var loggers = CommonOptions.CreateLoggerFactory();
        var logger = loggers.CreateLogger("Podvisor.Serve");
        using var instance = InstanceLock.TryAcquire(options.DataDir);
        if (instance is null)
        {
            await Console.Error.WriteLineAsync($"error: another podvisor serve is using {Path.GetFullPath(options.DataDir)}");
            return 1;
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            stopping.Cancel();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx =>
        {
            ctx.Cancel = true;
            stopping.Cancel();
        });

        PodvisorNode node;
        try
        {
            node = await PodvisorNode.StartAsync(options, TimeProvider.System, loggers, stopping.Token);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return 1;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 0;
        }

        await using (node)
        {
            logger.LogInformation("Podvisor {Version} serving on {Url}", VersionCommand.PodvisorVersion, node.Api.Url);
            await stdout.WriteLineAsync($"kubeconfig: {node.Api.KubeconfigPath}");
            await stdout.FlushAsync(CancellationToken.None);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, stopping.Token);
            }
            catch (OperationCanceledException)
            {
                logger.LogInformation("Stopping; pods keep running and are adopted by the next serve");
            }
        }

        return 0;
    }
}
