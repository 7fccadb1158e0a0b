using System.IO.Pipelines;
using System.Text;

namespace Podvisor.Api.Streaming;

/// <summary>
/// <c>kubectl attach</c> for a runtime that keeps no attachable stdio: the container's output from now on, read as
/// it is written to its CRI log, stdout and stderr apart, until the instance exits (then exit code 0: an attach
/// carries no exit status) or the client leaves. There is no stdin; callers refuse an attach that asks for it.
/// </summary>
internal sealed class LogAttachProcess : IPodExecProcess
{
    private readonly Pipe _stdout = new();
    private readonly Pipe _stderr = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _exit;

    public LogAttachProcess(CriLogStreamer streamer, ContainerLogLocation location)
    {
        _exit = FollowAsync(streamer, location, _stop.Token);
    }

    public Stream Stdin { get; } = Stream.Null;

    public Stream Stdout => _stdout.Reader.AsStream();

    public Stream Stderr => _stderr.Reader.AsStream();

    public Task<int> ExitCode => _exit;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _exit;
        _stop.Dispose();
    }

    private async Task<int> FollowAsync(CriLogStreamer streamer, ContainerLogLocation location, CancellationToken ct)
    {
        try
        {
            // Tail 0: what the container wrote before the attach is for `kubectl logs`.
            await streamer.ReadAsync(
                location,
                new LogOptions { Follow = true, TailLines = 0 },
                async line =>
                {
                    var result = await (line.Stderr ? _stderr : _stdout).Writer.WriteAsync(Encoding.UTF8.GetBytes(line.Text), ct);
                    return !result.IsCompleted;
                },
                () => Task.CompletedTask,
                ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            await _stdout.Writer.CompleteAsync();
            await _stderr.Writer.CompleteAsync();
        }

        return 0;
    }
}
