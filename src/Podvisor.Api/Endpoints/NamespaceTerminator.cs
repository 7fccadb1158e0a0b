using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Podvisor.Api.Resources;
using Podvisor.Store;

namespace Podvisor.Api.Endpoints;

/// <summary>
/// Namespace deletion as the namespace controller does it: the namespace turns Terminating at once, then its objects
/// are deleted (pods gracefully), and once nothing is left the namespace itself goes. One background loop owns the
/// work; it resumes namespaces left Terminating by an earlier run at start.
/// </summary>
internal sealed class NamespaceTerminator(ApiContext api) : IAsyncDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    private readonly Channel<string> _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start()
    {
        _loop ??= Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Marks the namespace Terminating and queues its cleanup. Returns the updated namespace.</summary>
    public async Task<JsonObject> BeginAsync(JsonObject ns, CancellationToken ct)
    {
        var s = api.NamespaceStrategy;
        var name = Objects.Name(ns) ?? "";
        var updated = ns;
        if (Json.Str(ns, "status", "phase") != "Terminating")
        {
            var marked = (JsonObject)ns.DeepClone();
            Json.EnsureObject(marked, "status")["phase"] = "Terminating";
            updated = await StoreCalls.Run(s, name, () => api.Store.UpdateAsync(s.Type, marked, Subresources.Status, ct));
        }

        await _queue.Writer.WriteAsync(name, ct);
        return updated;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            var s = api.NamespaceStrategy;
            var existing = await api.Store.ListAsync(s.Type, null, new ListOptions(), ct);
            foreach (var ns in existing.Items.Where(n => Json.Str(n, "status", "phase") == "Terminating"))
            {
                await _queue.Writer.WriteAsync(Objects.Name(ns) ?? "", ct);
            }

            await foreach (var name in _queue.Reader.ReadAllAsync(ct))
            {
                while (!await TryFinishAsync(name, ct))
                {
                    await Task.Delay(RetryInterval, api.Time, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass: deletes what is left in the namespace; true once the namespace itself is gone.</summary>
    private async Task<bool> TryFinishAsync(string name, CancellationToken ct)
    {
        try
        {
            var remaining = 0;
            foreach (var s in api.Registry.All.Where(r => r.Type.Namespaced))
            {
                var list = await api.Store.ListAsync(s.Type, name, new ListOptions(), ct);
                foreach (var item in list.Items)
                {
                    remaining++;
                    if (Json.Str(item, "metadata", "deletionTimestamp") is null)
                    {
                        await DeleteEndpoints.DeleteObjectAsync(api, s, item, new Store.DeleteOptions(), ct);
                    }
                }
            }

            if (remaining > 0)
            {
                return false;
            }

            try
            {
                await api.Store.DeleteAsync(api.NamespaceStrategy.Type, null, name, new Store.DeleteOptions(), ct);
            }
            catch (StoreException e) when (e.Reason == StoreErrorReason.NotFound)
            {
                // Already gone.
            }

            return true;
        }
        catch (ApiError e) when (e.Code == 404)
        {
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            api.Logger.LogWarning(e, "Cleaning up namespace {Namespace} failed; retrying", name);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }
}
