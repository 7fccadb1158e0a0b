using System.CommandLine;
using Microsoft.Extensions.Logging;
using Podvisor.Client;
using Podvisor.Composition;
using Podvisor.Model.Meta;

namespace Podvisor.Commands;

/// <summary>
/// podvisor down: every pod terminated gracefully (preStop, grace period), then the server stopped. A running serve is
/// stopped first (that leaves pods running), then a private instance adopts the pods, deletes them and waits for
/// each to finish its termination.
/// </summary>
internal static class DownCommand
{
    public static Command Create()
    {
        var dataDir = CommonOptions.DataDir();
        var command = new Command("down", "Terminate every pod gracefully, then stop the server.") { dataDir };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(dataDir)!, parse.InvocationConfiguration.Output, ct));
        return command;
    }

    private static async Task<int> RunAsync(string dataDir, TextWriter stdout, CancellationToken ct)
    {
        using var loggers = CommonOptions.CreateLoggerFactory(LogLevel.Warning);
        if (InstanceLock.RunningPid(dataDir) is { } pid)
        {
            await stdout.WriteLineAsync($"stopping podvisor serve (pid {pid})");
            if (!await StopServeAsync(pid, dataDir, ct))
            {
                await Console.Error.WriteLineAsync($"error: podvisor serve (pid {pid}) did not stop");
                return 1;
            }
        }

        using var instance = InstanceLock.TryAcquire(dataDir);
        if (instance is null)
        {
            await Console.Error.WriteLineAsync($"error: another podvisor is using {Path.GetFullPath(dataDir)}");
            return 1;
        }

        await using var node = await PodvisorNode.StartAsync(
            new PodvisorNodeOptions { DataDir = dataDir, Listen = "127.0.0.1:0" },
            TimeProvider.System,
            loggers,
            ct);
        var pods = await node.Client.Pods.ListAsync(null, null, ct);
        foreach (var pod in pods.Items)
        {
            await node.Client.Pods.DeleteAsync(pod.Metadata.Namespace, pod.Metadata.Name!, new DeleteOptions(), ct);
        }

        // Bounded by the longest grace period plus the 2 s SIGKILL floor and a margin.
        var longest = pods.Items.Select(p => p.Metadata.DeletionGracePeriodSeconds ?? p.Spec?.TerminationGracePeriodSeconds ?? 30).DefaultIfEmpty(0).Max();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(longest + 30));
        while (true)
        {
            var left = await node.Client.Pods.ListAsync(null, null, deadline.Token);
            if (left.Items.Count == 0)
            {
                break;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System, deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"error: {left.Items.Count} pod(s) did not terminate: " + string.Join(", ", left.Items.Select(p => p.Metadata.Name)));
                return 1;
            }
        }

        await stdout.WriteLineAsync($"{pods.Items.Count} pod(s) terminated; podvisor is down");
        return 0;
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static async Task<bool> StopServeAsync(int pid, string dataDir, CancellationToken ct)
    {
        if (Kill(pid, SigTerm) != 0)
        {
            return InstanceLock.RunningPid(dataDir) is null;
        }

        for (var i = 0; i < 300 && !ct.IsCancellationRequested; i++)
        {
            if (InstanceLock.RunningPid(dataDir) is null)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, ct);
        }

        return false;
    }
}
