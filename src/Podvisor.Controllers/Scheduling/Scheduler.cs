using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Client;
using Podvisor.Client.Informers;
using Podvisor.Client.WorkQueue;
using Podvisor.Model.Core;

namespace Podvisor.Controllers.Scheduling;

/// <summary>
/// Binds every unscheduled pod to the one node, as kube-scheduler would with a single feasible node: PodScheduled=True
/// in status and spec.nodeName set in one write (Kubernetes writes both through pods/binding), event Scheduled.
/// Pod creation → bound is on the critical path of pod start-up, so it reacts to watch events (an informer on
/// <c>spec.nodeName=</c>) and hands keys straight to waiting workers; nothing polls. Failed binds are retried with the
/// work queue's per-key back-off.
/// </summary>
public sealed partial class Scheduler : IAsyncDisposable
{
    private const string UnscheduledSelector = "spec.nodeName=";

    private readonly IPodvisorClient _client;
    private readonly IEventRecorder _recorder;
    private readonly SchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Informer<Pod> _informer;
    private readonly RateLimitingQueue _queue;
    private readonly object _gate = new();
    private IAsyncDisposable? _subscription;
    private CancellationTokenSource? _stop;
    private Task[]? _workers;

    public Scheduler(IPodvisorClient client, IEventRecorder recorder, SchedulerOptions options, TimeProvider time, ILogger<Scheduler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrEmpty(options.NodeName);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 1);
        _client = client;
        _recorder = recorder;
        _options = options;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _informer = new Informer<Pod>(client.Pods, new InformerOptions { FieldSelector = UnscheduledSelector }, time, _logger);
        _queue = new RateLimitingQueue(time, TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(30));
    }

    /// <summary>Starts watching and binding; completes once the existing unscheduled pods are listed. Idempotent.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_stop is null)
            {
                _stop = new CancellationTokenSource();
                _subscription = _informer.Subscribe(OnPodEventAsync);
                _informer.Start();
                var stop = _stop.Token;
                _workers = [.. Enumerable.Range(0, _options.Workers).Select(_ => Task.Run(() => WorkAsync(stop)))];
            }
        }

        await _informer.WaitForSyncAsync(ct);
    }

    /// <summary>Stops watching; binds in progress finish unless <paramref name="ct"/> fires first. Idempotent.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        Task[]? workers;
        lock (_gate)
        {
            workers = _workers;
        }

        await _informer.StopAsync(ct);
        _queue.ShutDown();
        if (workers is null)
        {
            return;
        }

        using (ct.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _stop))
        {
            await Task.WhenAll(workers);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
        await StopAsync(grace.Token);
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }

        _queue.Dispose();
        _stop?.Dispose();
    }

    /// <summary>True when this scheduler should bind the pod.</summary>
    public bool NeedsScheduling(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return string.IsNullOrEmpty(pod.Spec?.NodeName)
            && pod.Metadata.DeletionTimestamp is null
            && (string.IsNullOrEmpty(pod.Spec?.SchedulerName) || pod.Spec.SchedulerName == _options.SchedulerName)
            && pod.Status?.Phase is not ("Succeeded" or "Failed");
    }

    /// <summary>
    /// Binds one pod: spec.nodeName and PodScheduled=True in one write (as pods/binding does), so the node agent (which
    /// watches <c>spec.nodeName=&lt;node&gt;</c>) never sees a bound pod without the condition. Returns false when there
    /// was nothing to do (already bound, deleted, another scheduler's).
    /// </summary>
    internal async Task<bool> ScheduleOnceAsync(Pod pod, CancellationToken ct)
    {
        if (!NeedsScheduling(pod))
        {
            return false;
        }

        var node = _options.NodeName;
        var now = _time.GetUtcNow();
        var bound = false;
        var result = await _client.Pods.UpdateWithStatusWithRetryAsync(
            pod,
            p =>
            {
                bound = NeedsScheduling(p);
                return bound
                    ? p with { Spec = (p.Spec ?? new PodSpec()) with { NodeName = node }, Status = WithScheduledCondition(p.Status, now) }
                    : null;
            },
            ct);
        if (result is null || !bound)
        {
            return false;
        }

        LogBound(_logger, result.Metadata.Namespace, result.Metadata.Name, node);
        _recorder.Record(
            new ObjectReference
            {
                Kind = Pod.KindName,
                ApiVersion = "v1",
                Namespace = result.Metadata.Namespace,
                Name = result.Metadata.Name,
                Uid = result.Metadata.Uid,
                ResourceVersion = result.Metadata.ResourceVersion,
            },
            "Normal",
            "Scheduled",
            $"Successfully assigned {result.Metadata.Namespace}/{result.Metadata.Name} to {node}",
            // Stamped before the bind: the node agent acts on the bound pod within the bind's round trip, and its
            // first events (Pulled, Created) must not sort before Scheduled in kubectl describe.
            now);
        return true;
    }

    private static PodStatus WithScheduledCondition(PodStatus? status, DateTimeOffset now)
    {
        var condition = new PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = now };
        var others = status?.Conditions?.Where(c => c.Type != "PodScheduled") ?? [];
        return (status ?? new PodStatus()) with
        {
            Phase = status?.Phase ?? "Pending",
            Conditions = [.. others, condition],
        };
    }

    private ValueTask OnPodEventAsync(InformerEvent<Pod> e, CancellationToken ct)
    {
        if (e.Type != InformerEventType.Deleted && NeedsScheduling(e.Object))
        {
            _queue.Add(Informer<Pod>.KeyOf(e.Object));
        }

        return ValueTask.CompletedTask;
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        while (true)
        {
            string? key;
            try
            {
                key = await _queue.GetAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }

            if (key is null)
            {
                return;
            }

            try
            {
                if (_informer.GetByKey(key) is { } pod)
                {
                    await ScheduleOnceAsync(pod, ct);
                }

                _queue.Forget(key);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogBindFailed(_logger, e, key);
                _queue.AddRateLimited(key);
            }
            finally
            {
                _queue.Done(key);
            }
        }
    }
}
