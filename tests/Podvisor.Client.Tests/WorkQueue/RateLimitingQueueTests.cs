using Podvisor.Client.WorkQueue;
using Podvisor.Testing;

namespace Podvisor.Client.Tests.WorkQueue;

public sealed class RateLimitingQueueTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Add_SameKeyTwice_HandedOutOnce()
    {
        using var q = new RateLimitingQueue(_time);

        q.Add("a");
        q.Add("a");
        q.Add("b");

        Assert.Equal(2, q.Count);
        Assert.Equal("a", await q.GetAsync(CancellationToken.None));
        Assert.Equal("b", await q.GetAsync(CancellationToken.None));
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public async Task Add_WhileProcessing_NotHandedOutUntilDoneThenAgain()
    {
        using var q = new RateLimitingQueue(_time);
        q.Add("a");
        var key = await q.GetAsync(CancellationToken.None);

        q.Add("a");
        var second = q.GetAsync(CancellationToken.None);

        Assert.False(second.IsCompleted);
        Assert.Equal(0, q.Count);
        q.Done(key!);
        Assert.Equal("a", await second.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Done_NotReAdded_KeyNotHandedOutAgain()
    {
        using var q = new RateLimitingQueue(_time);
        q.Add("a");
        q.Done((await q.GetAsync(CancellationToken.None))!);

        var next = q.GetAsync(CancellationToken.None);

        Assert.False(next.IsCompleted);
        Assert.Equal(0, q.Count);
        q.ShutDown();
        Assert.Null(await next.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GetAsync_WaitingWorker_GetsKeyAddedLater()
    {
        using var q = new RateLimitingQueue(_time);
        var waiting = q.GetAsync(CancellationToken.None);

        q.Add("x");

        Assert.Equal("x", await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GetAsync_Cancelled_ThrowsAndLaterKeyGoesToNextWorker()
    {
        using var q = new RateLimitingQueue(_time);
        using var cts = new CancellationTokenSource();
        var cancelled = q.GetAsync(cts.Token);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        q.Add("x");

        Assert.Equal(1, q.Count);
        Assert.Equal("x", await q.GetAsync(CancellationToken.None));
    }

    [Fact]
    public void AddAfter_BeforeDelay_NotQueued_AfterDelay_Queued()
    {
        using var q = new RateLimitingQueue(_time);

        q.AddAfter("a", TimeSpan.FromSeconds(2));
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        var before = q.Count;
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(0, before);
        Assert.Equal(1, q.Count);
        Assert.Equal(0, q.DelayedCount);
    }

    [Fact]
    public void AddAfter_TwiceForOneKey_KeepsEarliestAndQueuesOnce()
    {
        using var q = new RateLimitingQueue(_time);

        q.AddAfter("a", TimeSpan.FromSeconds(10));
        q.AddAfter("a", TimeSpan.FromSeconds(1));
        q.AddAfter("a", TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(1));
        var atOne = q.Count;
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(1, atOne);
        Assert.Equal(1, q.Count);
        Assert.Equal(0, _time.ActiveTimerCount);
    }

    [Fact]
    public void AddRateLimited_Repeated_DelaysDoubleUntilForget()
    {
        using var q = new RateLimitingQueue(_time, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50));
        var delays = new List<TimeSpan>();

        for (var i = 0; i < 5; i++)
        {
            delays.Add(DelayUntilQueued(q, () => q.AddRateLimited("a")));
            Drain(q);
        }

        q.Forget("a");
        var afterForget = DelayUntilQueued(q, () => q.AddRateLimited("a"));

        Assert.Equal([10, 20, 40, 50, 50], delays.Select(d => (int)d.TotalMilliseconds));
        Assert.Equal(10, (int)afterForget.TotalMilliseconds);
        Assert.Equal(1, q.NumRequeues("a"));
    }

    [Fact]
    public async Task ShutDown_WakesWaitersAndIgnoresAdds_QueuedKeysStillDrain()
    {
        using var q = new RateLimitingQueue(_time);
        q.Add("queued");
        var first = await q.GetAsync(CancellationToken.None);
        var waiting = q.GetAsync(CancellationToken.None);
        q.AddAfter("later", TimeSpan.FromSeconds(1));

        q.ShutDown();
        q.Add("ignored");
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("queued", first);
        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, q.Count);
        Assert.Null(await q.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentWorkers_KeyNeverProcessedTwiceAtOnce()
    {
        using var q = new RateLimitingQueue(TimeProvider.System);
        var inFlight = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var overlaps = 0;
        var processed = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (await q.GetAsync(cts.Token) is { } key)
            {
                if (inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                await Task.Yield();
                inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
                Interlocked.Increment(ref processed);
                q.Done(key);
            }
        })).ToArray();
        for (var i = 0; i < 2000; i++)
        {
            q.Add($"k{i % 3}");
            if (i % 50 == 0)
            {
                await Task.Yield();
            }
        }

        while (q.Count > 0)
        {
            await Task.Yield();
        }

        q.ShutDown();
        await Task.WhenAll(workers);

        Assert.Equal(0, overlaps);
        Assert.InRange(processed, 3, 2000);
    }

    private TimeSpan DelayUntilQueued(RateLimitingQueue q, Action add)
    {
        var start = _time.GetUtcNow();
        add();
        while (q.Count == 0)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        return _time.GetUtcNow() - start;
    }

    private static void Drain(RateLimitingQueue q)
    {
        while (q.Count > 0)
        {
            var key = q.GetAsync(CancellationToken.None).Result!;
            q.Done(key);
        }
    }
}
