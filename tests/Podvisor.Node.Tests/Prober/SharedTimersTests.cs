using Podvisor.Node.Prober;
using Podvisor.Testing;

namespace Podvisor.Node.Tests.Prober;

/// <summary>Many timers on one timer of the time provider, on fake time.</summary>
public sealed class SharedTimersTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static (FakeTimeProvider Time, SharedTimers Timers, List<(string Name, DateTimeOffset At)> Fired) Kit()
    {
        var time = new FakeTimeProvider(Start);
        return (time, new SharedTimers(time), []);
    }

    private static TimerCallback Record(FakeTimeProvider time, List<(string, DateTimeOffset)> fired, string name) =>
        _ =>
        {
            lock (fired)
            {
                fired.Add((name, time.GetUtcNow()));
            }
        };

    [Fact]
    public void ManyTimers_UseOneTimerOfTheProvider_ArmedForTheEarliest()
    {
        var (time, timers, fired) = Kit();
        using var a = timers.CreateTimer(Record(time, fired, "a"), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var b = timers.CreateTimer(Record(time, fired, "b"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var c = timers.CreateTimer(Record(time, fired, "c"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);

        Assert.Equal([Start.AddSeconds(1)], time.DueTimes);
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([("b", Start.AddSeconds(1)), ("c", Start.AddSeconds(2)), ("a", Start.AddSeconds(3))], fired);
        Assert.Empty(time.DueTimes); // nothing left: the provider's timer is disarmed
    }

    [Fact]
    public void Periodic_KeepsItsPhase_AndEntriesDueTogetherFireInOnePass()
    {
        var (time, timers, fired) = Kit();
        using var a = timers.CreateTimer(Record(time, fired, "a"), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1));
        using var b = timers.CreateTimer(Record(time, fired, "b"), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1));

        time.Advance(TimeSpan.FromMilliseconds(2300));

        Assert.Equal(
            [("a", Start.AddMilliseconds(250)), ("b", Start.AddMilliseconds(250)), ("a", Start.AddMilliseconds(1250)), ("b", Start.AddMilliseconds(1250)), ("a", Start.AddMilliseconds(2250)), ("b", Start.AddMilliseconds(2250))],
            fired.OrderBy(f => f.At).ThenBy(f => f.Name).ToList());
        Assert.Equal([Start.AddMilliseconds(3250)], time.DueTimes);
    }

    [Fact]
    public void Change_ReplacesTheSchedule_AndDispose_StopsIt()
    {
        var (time, timers, fired) = Kit();
        var a = timers.CreateTimer(Record(time, fired, "a"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var b = timers.CreateTimer(Record(time, fired, "b"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.True(a.Change(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2))); // next at 3.5 s, then every 2 s
        b.Dispose();
        Assert.False(b.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        time.Advance(TimeSpan.FromSeconds(4)); // to 5.5 s

        Assert.Equal([("a", Start.AddSeconds(1)), ("b", Start.AddSeconds(1)), ("a", Start.AddMilliseconds(3500)), ("a", Start.AddMilliseconds(5500))], fired.OrderBy(f => f.At).ThenBy(f => f.Name).ToList());
        a.Dispose();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(4, fired.Count);
    }

    [Fact]
    public void MissedTicks_AreSkipped_NotFiredInABurst()
    {
        // The provider's timer fires late (a stalled process): the entry fires once and keeps its phase.
        var time = new FakeTimeProvider(Start);
        var late = new LateTimeProvider(time);
        using var timers = new SharedTimers(late);
        var fired = new List<(string, DateTimeOffset)>();
        late.Delay = TimeSpan.FromMilliseconds(3500); // the first fire comes at 4.5 s instead of 1 s
        using var a = timers.CreateTimer(Record(time, fired, "a"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        time.Advance(TimeSpan.FromSeconds(4.5));
        time.Advance(TimeSpan.FromSeconds(1)); // to 5.5 s: the next tick is at 5 s (phase kept), not 5.5 s

        Assert.Equal([("a", Start.AddMilliseconds(4500)), ("a", Start.AddSeconds(5))], fired);
    }

    [Fact]
    public void Disposed_NothingFiresAndTheProvidersTimerIsGone()
    {
        var (time, timers, fired) = Kit();
        timers.CreateTimer(Record(time, fired, "a"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        timers.Dispose();

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(fired);
        Assert.Equal(0, time.ActiveTimerCount);
    }

    /// <summary>Delays the next arming of a timer it created by <see cref="Delay"/>, once.</summary>
    private sealed class LateTimeProvider(FakeTimeProvider inner) : TimeProvider
    {
        public TimeSpan Delay { get; set; }

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new Late(this, inner.CreateTimer(callback, state, dueTime, period));

        private sealed class Late(LateTimeProvider owner, ITimer timer) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return timer.Change(dueTime, period);
                }

                var delay = owner.Delay;
                owner.Delay = TimeSpan.Zero; // only the next arming is late
                return timer.Change(dueTime + delay, period);
            }

            public void Dispose() => timer.Dispose();

            public ValueTask DisposeAsync() => timer.DisposeAsync();
        }
    }
}
