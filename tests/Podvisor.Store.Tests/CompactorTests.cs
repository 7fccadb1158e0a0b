using Podvisor.Testing;
using static Podvisor.Store.Tests.Objects;

namespace Podvisor.Store.Tests;

public sealed class CompactorTests
{
    [Fact]
    public async Task Compactor_TwoIntervals_CompactsToRevisionOfPreviousTickMinusRetained()
    {
        var time = new FakeTimeProvider();
        await using var t = TempStore.Create(time, new StoreOptions { CompactionInterval = TimeSpan.FromMinutes(5), CompactionRetainRevisions = 2 });
        var ct = Deadline();
        var c = await t.Store.CreateAsync(ConfigMaps, ConfigMap("c"), ct);
        for (var i = 0; i < 10; i++)
        {
            c = await t.Store.UpdateAsync(ConfigMaps, c.With(o => o["data"]!["k"] = $"{i}"), null, ct);
        }

        var atFirstTick = t.Store.CurrentRevision;
        await WaitForTimerAsync(time, ct);
        time.Advance(TimeSpan.FromMinutes(5)); // first tick: remembers atFirstTick, history is younger than one interval
        await WaitForTicksAsync(t, 1, ct);
        Assert.Equal(0, t.Store.Log.CompactRevision);

        for (var i = 0; i < 5; i++)
        {
            c = await t.Store.UpdateAsync(ConfigMaps, c.With(o => o["data"]!["k"] = $"x{i}"), null, ct);
        }

        await WaitForTimerAsync(time, ct);
        time.Advance(TimeSpan.FromMinutes(5));
        await WaitForTicksAsync(t, 2, ct);
        Assert.Equal(atFirstTick, t.Store.Log.CompactRevision);

        var e = await Assert.ThrowsAsync<StoreException>(async () =>
        {
            await foreach (var _ in t.Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = "1" }, ct))
            {
            }
        });
        Assert.Equal(StoreErrorReason.Expired, e.Reason);
    }

    [Fact]
    public async Task Compactor_Target_NeverIntoRetainedRevisions()
    {
        await using var t = TempStore.Create(options: new StoreOptions { CompactionRetainRevisions = 1000 });
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("c"), CancellationToken.None);
        Assert.True(t.Store.Compactor.Target(t.Store.CurrentRevision) <= 0);
    }

    private static async Task WaitForTicksAsync(TempStore t, int ticks, CancellationToken ct)
    {
        while (t.Store.Compactor.CompletedTicks < ticks)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Delay(5, ct);
        }
    }

    private static async Task WaitForTimerAsync(FakeTimeProvider time, CancellationToken ct)
    {
        while (time.ActiveTimerCount == 0)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Delay(5, ct);
        }
    }
}
