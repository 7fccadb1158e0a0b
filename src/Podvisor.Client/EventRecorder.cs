using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Model.Core;
using Podvisor.Model.Meta;

namespace Podvisor.Client;

public sealed record EventRecorderOptions
{
    /// <summary>source.component and reportingComponent: "kubelet", "default-scheduler", "replicaset-controller"...</summary>
    public required string Component { get; init; }

    /// <summary>source.host: the node name for node-local components (the kubelet); null for controllers.</summary>
    public string? Host { get; init; }

    /// <summary>reportingInstance; defaults to <c>Component-Host</c> (or Component without a host).</summary>
    public string? ReportingInstance { get; init; }

    /// <summary>Events waiting to be written; past it the oldest are dropped (and counted, and logged).</summary>
    public int Capacity { get; init; } = 1024;

    /// <summary>How many distinct events are remembered for aggregation; the oldest are forgotten first.</summary>
    public int AggregationCacheSize { get; init; } = 4096;
}

/// <summary>
/// Writes core/v1 Events in the background. <see cref="Record"/> only enqueues into a bounded channel whose FullMode
/// is DropOldest: recording must never slow the pod lifecycle down, and under a flood the newest events are the
/// useful ones; every drop is counted (<see cref="DroppedCount"/>) and logged. One writer task drains the channel,
/// folds repeats of the same (involved object uid, type, reason, message) into one Event (count, lastTimestamp), as
/// the kubelet's EventCorrelator does, and creates new ones named <c>&lt;object name&gt;.&lt;16 hex digits&gt;</c>.
/// </summary>
public sealed partial class EventRecorder : IEventRecorder, IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly IPodvisorClient _client;
    private readonly EventRecorderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _reportingInstance;
    private readonly Channel<Pending> _channel;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<AggregateKey, Event> _recent = [];
    private readonly Queue<AggregateKey> _recentOrder = new();
    private readonly object _progressGate = new();
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _run;
    private long _recorded;
    private long _handled;
    private long _dropped;
    private long _lastNameNanos;

    public EventRecorder(IPodvisorClient client, EventRecorderOptions options, TimeProvider time, ILogger<EventRecorder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrEmpty(options.Component);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.AggregationCacheSize, 1);
        _client = client;
        _options = options;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _reportingInstance = options.ReportingInstance
            ?? (string.IsNullOrEmpty(options.Host) ? options.Component : $"{options.Component}-{options.Host}");
        _channel = Channel.CreateBounded<Pending>(
            new BoundedChannelOptions(options.Capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
            },
            OnDropped);
    }

    /// <summary>Events dropped because the queue was full.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Returns immediately. Starts the writer on first use.</summary>
    public void Record(ObjectReference involved, string type, string reason, string message) =>
        Record(involved, type, reason, message, _time.GetUtcNow());

    /// <inheritdoc cref="IEventRecorder.Record(ObjectReference, string, string, string, DateTimeOffset)"/>
    public void Record(ObjectReference involved, string type, string reason, string message, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(involved);
        Start();
        Interlocked.Increment(ref _recorded);
        if (!_channel.Writer.TryWrite(new Pending(involved, type, reason, message, occurredAt)))
        {
            // Stopped: nothing will write it.
            MarkHandled(1);
        }
    }

    /// <summary>Starts the background writer. Idempotent.</summary>
    public void Start()
    {
        if (Volatile.Read(ref _run) is not null)
        {
            return;
        }

        lock (_progressGate)
        {
            _run ??= Task.Run(() => RunAsync(_stop.Token));
        }
    }

    /// <summary>Completes when every event recorded before the call has been written (or given up on).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var target = Interlocked.Read(ref _recorded);
        while (true)
        {
            Task progress;
            lock (_progressGate)
            {
                if (Interlocked.Read(ref _handled) >= target)
                {
                    return;
                }

                progress = _progress.Task;
            }

            await progress.WaitAsync(ct);
        }
    }

    /// <summary>Stops accepting events and writes those queued; when <paramref name="ct"/> fires, abandons the rest.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        _channel.Writer.TryComplete();
        Task? run;
        lock (_progressGate)
        {
            run = _run;
        }

        if (run is null)
        {
            return;
        }

        using (ct.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _stop))
        {
            await run;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
        await StopAsync(grace.Token);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var batch = new List<Pending>(MaxBatch);
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                // Repeats within one batch become one write with their count summed.
                foreach (var group in batch.GroupBy(p => KeyOf(p)))
                {
                    var first = group.First();
                    var count = group.Count();
                    var last = group.Max(p => p.At);
                    try
                    {
                        await WriteAsync(group.Key, first, count, last, ct);
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        throw;
                    }
                    catch (Exception e)
                    {
                        Log.WriteFailed(_logger, e, first.Reason, first.Involved.Namespace, first.Involved.Name);
                    }
                }

                MarkHandled(batch.Count);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Abandoned on a forced stop; flushers must not wait for events that will never be written.
            MarkHandled(long.MaxValue / 2);
        }
    }

    private async Task WriteAsync(AggregateKey key, Pending p, int count, DateTimeOffset last, CancellationToken ct)
    {
        if (_recent.TryGetValue(key, out var existing))
        {
            var updated = await _client.Events.UpdateWithRetryAsync(
                existing,
                e => e with { Count = (e.Count ?? 1) + count, LastTimestamp = last },
                ct);
            if (updated is not null)
            {
                Remember(key, updated);
                return;
            }

            // The Event was deleted (or expired) meanwhile: start a new one.
        }

        var ns = string.IsNullOrEmpty(p.Involved.Namespace) ? "default" : p.Involved.Namespace;
        for (var attempt = 0; ; attempt++)
        {
            var ev = new Event
            {
                Metadata = new ObjectMeta { Name = $"{p.Involved.Name}.{NextNameSuffix(p.At)}", Namespace = ns },
                InvolvedObject = p.Involved,
                Reason = p.Reason,
                Message = p.Message,
                Type = p.Type,
                Count = count,
                FirstTimestamp = p.At,
                LastTimestamp = last,
                Source = new EventSource { Component = _options.Component, Host = _options.Host },
                ReportingComponent = _options.Component,
                ReportingInstance = _reportingInstance,
            };
            try
            {
                Remember(key, await _client.Events.CreateAsync(ev, ct));
                return;
            }
            catch (ApiException e) when (e.IsAlreadyExists && attempt < 3)
            {
                // Another writer used this name (another recorder in the process): the next suffix is unused.
            }
        }
    }

    /// <summary>Kubernetes uses the time in nanoseconds, in hex; strictly increasing here so one recorder never collides.</summary>
    private string NextNameSuffix(DateTimeOffset at)
    {
        var nanos = (at - DateTimeOffset.UnixEpoch).Ticks * 100;
        _lastNameNanos = Math.Max(nanos, _lastNameNanos + 1);
        return _lastNameNanos.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Remember(AggregateKey key, Event stored)
    {
        if (_recent.TryAdd(key, stored))
        {
            _recentOrder.Enqueue(key);
            while (_recent.Count > _options.AggregationCacheSize && _recentOrder.TryDequeue(out var oldest))
            {
                _recent.Remove(oldest);
            }
        }
        else
        {
            _recent[key] = stored;
        }
    }

    private static AggregateKey KeyOf(Pending p) => new(
        string.IsNullOrEmpty(p.Involved.Uid) ? $"{p.Involved.Kind}/{p.Involved.Namespace}/{p.Involved.Name}" : p.Involved.Uid,
        p.Involved.FieldPath ?? "",
        p.Type,
        p.Reason,
        p.Message);

    private void OnDropped(Pending dropped)
    {
        var n = Interlocked.Increment(ref _dropped);
        MarkHandled(1);

        // The first drop, then one line per 100, so a flood of events does not become a flood of log lines.
        if (n == 1 || n % 100 == 0)
        {
            Log.Dropped(_logger, n, dropped.Reason, dropped.Involved.Namespace, dropped.Involved.Name);
        }
    }

    private void MarkHandled(long n)
    {
        TaskCompletionSource done;
        lock (_progressGate)
        {
            Interlocked.Add(ref _handled, n);
            done = _progress;
            _progress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.TrySetResult();
    }

    private readonly record struct Pending(ObjectReference Involved, string Type, string Reason, string Message, DateTimeOffset At);

    private readonly record struct AggregateKey(string Object, string FieldPath, string Type, string Reason, string Message);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Event queue full: {Dropped} events dropped so far (latest {Reason} for {Namespace}/{Name})")]
        public static partial void Dropped(ILogger logger, long dropped, string reason, string? @namespace, string? name);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Could not write event {Reason} for {Namespace}/{Name}")]
        public static partial void WriteFailed(ILogger logger, Exception exception, string reason, string? @namespace, string? name);
    }
}
