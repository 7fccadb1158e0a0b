using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Composition;
using Podvisor.Testing;

namespace Podvisor.Tests.Composition;

/// <summary>The heap trimmer's thresholds on fake time and a fake heap; the real GC is exercised at the end.</summary>
public sealed class HeapTrimmerTests
{
    private const long MiB = 1L << 20;

    private static readonly HeapTrimmerOptions Options = new()
    {
        Interval = TimeSpan.FromSeconds(1),
        YoungBudget = 16 * MiB,
        TrimInterval = TimeSpan.FromSeconds(10),
        TrimSlack = 48 * MiB,
    };

    [Fact]
    public void Collects_the_young_generation_once_its_budget_was_allocated_without_a_collection()
    {
        var time = new FakeTimeProvider();
        var heap = new FakeHeap();
        var trimmer = new HeapTrimmer(Options, heap, time, NullLogger.Instance);
        trimmer.Start();

        time.Advance(TimeSpan.FromSeconds(1)); // first look: sets the baseline
        heap.Allocated += 15 * MiB;
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, heap.YoungRequests);

        heap.Allocated += 1 * MiB;
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, heap.YoungRequests);
        Assert.Equal(1, trimmer.YoungCollections);

        // The budget counts again from that collection.
        heap.Allocated += 10 * MiB;
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, heap.YoungRequests);
    }

    [Fact]
    public void A_collection_the_GC_ran_on_its_own_restarts_the_count()
    {
        var time = new FakeTimeProvider();
        var heap = new FakeHeap();
        var trimmer = new HeapTrimmer(Options, heap, time, NullLogger.Instance);
        trimmer.Start();
        time.Advance(TimeSpan.FromSeconds(1));

        heap.Allocated += 20 * MiB;
        heap.Young++; // the GC collected by itself in between
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, heap.YoungRequests);

        heap.Allocated += 16 * MiB;
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, heap.YoungRequests);
    }

    [Fact]
    public void Returns_memory_only_above_the_slack_and_at_most_once_per_trim_interval()
    {
        var time = new FakeTimeProvider();
        var heap = new FakeHeap { Committed = 140 * MiB, Live = 40 * MiB };
        var trimmer = new HeapTrimmer(Options, heap, time, NullLogger.Instance);
        trimmer.Start();

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, heap.ReturnRequests); // not before one trim interval

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, heap.ReturnRequests);
        Assert.Equal(1, trimmer.Trims);
        Assert.Equal(40 * MiB, heap.Committed);

        // Still too much committed, but the last trim was less than an interval ago.
        heap.Committed = 140 * MiB;
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, heap.ReturnRequests);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, heap.ReturnRequests);

        // Below the slack: nothing to return.
        heap.Committed = heap.Live + 47 * MiB;
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, heap.ReturnRequests);
    }

    [Fact]
    public async Task Disposed_it_stops_looking()
    {
        var time = new FakeTimeProvider();
        var heap = new FakeHeap { Committed = 500 * MiB };
        var trimmer = new HeapTrimmer(Options, heap, time, NullLogger.Instance);
        trimmer.Start();
        trimmer.Start(); // idempotent: one timer
        Assert.Equal(1, time.ActiveTimerCount);

        await trimmer.DisposeAsync();
        Assert.Equal(0, time.ActiveTimerCount);
        heap.Allocated += 100 * MiB;
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(0, heap.YoungRequests + heap.ReturnRequests);
        Assert.Throws<ObjectDisposedException>(trimmer.Start);
    }

    [Theory]
    [InlineData(0, 16, 10, 48)]
    [InlineData(1, 0, 10, 48)]
    [InlineData(1, 16, 0, 48)]
    [InlineData(1, 16, 10, -1)]
    public void Rejects_thresholds_that_are_not_positive(int intervalSeconds, long youngMiB, int trimSeconds, long slackMiB)
    {
        var options = new HeapTrimmerOptions
        {
            Interval = TimeSpan.FromSeconds(intervalSeconds),
            YoungBudget = youngMiB * MiB,
            TrimInterval = TimeSpan.FromSeconds(trimSeconds),
            TrimSlack = slackMiB * MiB,
        };
        Assert.Throws<ArgumentException>(() => new HeapTrimmer(options, new FakeHeap(), new FakeTimeProvider(), NullLogger.Instance));
    }

    [Fact]
    public void The_real_heap_returns_what_a_burst_left_committed()
    {
        // A burst of garbage that survives one collection, then dies: the GC keeps the regions it committed.
        var burst = new List<byte[]>();
        for (var i = 0; i < 64 * 1024; i++)
        {
            burst.Add(new byte[1024]);
        }

        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        burst.Clear();
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);

        RuntimeHeap.Instance.ReturnMemory();
        var (committed, live) = RuntimeHeap.Instance.CommittedAndLiveBytes();
        Assert.True(committed >= live, $"committed {committed} < live {live}");
        Assert.True(committed - live < 48 * MiB, $"after returning memory, committed {committed >> 20} MiB vs live {live >> 20} MiB");
        GC.KeepAlive(burst);
    }

    private sealed class FakeHeap : IManagedHeap
    {
        public long Allocated { get; set; }

        public int Young { get; set; }

        public long Committed { get; set; } = 64 * MiB;

        public long Live { get; set; } = 32 * MiB;

        public int YoungRequests { get; private set; }

        public int ReturnRequests { get; private set; }

        public long AllocatedBytes => Allocated;

        public int YoungCollections => Young;

        public (long Committed, long Live) CommittedAndLiveBytes() => (Committed, Live);

        public void CollectYoung()
        {
            YoungRequests++;
            Young++;
        }

        public void ReturnMemory()
        {
            ReturnRequests++;
            Young++;
            Committed = Live;
        }
    }
}
