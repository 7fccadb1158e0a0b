using System.Text.Json.Nodes;
using Podvisor.Testing;
using static Podvisor.Store.Tests.Objects;

namespace Podvisor.Store.Tests;

public sealed class WatchTests
{
    [Fact]
    public async Task Watch_EightConcurrentWriters_EveryChangeOnceInOrderWithoutGaps()
    {
        await using var t = TempStore.Create();
        var ct = Deadline();
        var from = t.Store.CurrentRevision;
        await using var watch = t.Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = from.ToString() }, ct).GetAsyncEnumerator(ct);
        var started = watch.MoveNextAsync().AsTask(); // the subscription is taken at the first MoveNext

        const int Writers = 8;
        const int PerWriter = 100;
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var revisions = new List<long>();
            for (var i = 0; i < PerWriter / 2; i++)
            {
                var c = await t.Store.CreateAsync(ConfigMaps, ConfigMap($"w{w}-{i}", $"ns{w % 3}"), ct);
                revisions.Add(long.Parse(c.Rv()));
                var u = await t.Store.UpdateAsync(ConfigMaps, c.With(o => o["data"]!["k"] = "2"), null, ct);
                revisions.Add(long.Parse(u.Rv()));
            }

            return revisions;
        }, ct)).ToArray();
        var written = (await Task.WhenAll(writers)).SelectMany(r => r).Order().ToList();

        Assert.True(await started);
        var events = new List<WatchEvent> { watch.Current };
        events.AddRange(await watch.Take(Writers * PerWriter - 1, ct));

        Assert.Equal(written, events.Select(e => e.ResourceVersion));
        Assert.Equal(Enumerable.Range(1, Writers * PerWriter).Select(i => from + i), events.Select(e => e.ResourceVersion));
        Assert.All(events, e => Assert.Equal(e.ResourceVersion.ToString(), e.Object.Rv()));
        Assert.Equal(Writers * PerWriter / 2, events.Count(e => e.Type == WatchEventType.Added));
        Assert.Equal(Writers * PerWriter / 2, events.Count(e => e.Type == WatchEventType.Modified));
    }

    [Fact]
    public async Task Watch_ResumeFromResourceVersion_ReplaysExactlyWhatFollowed()
    {
        await using var t = TempStore.Create();
        var ct = Deadline();
        var a = await t.Store.CreateAsync(ConfigMaps, ConfigMap("a"), ct);
        var b = await t.Store.CreateAsync(ConfigMaps, ConfigMap("b"), ct);
        var a2 = await t.Store.UpdateAsync(ConfigMaps, a.With(o => o["data"]!["k"] = "2"), null, ct);
        var del = await t.Store.DeleteAsync(ConfigMaps, "default", "b", new DeleteOptions(), ct);
        var c = await t.Store.CreateAsync(ConfigMaps, ConfigMap("c"), ct);

        await using var watch = t.Store.WatchAsync(ConfigMaps, "default", new WatchOptions { ResourceVersion = b.Rv() }, ct).GetAsyncEnumerator(ct);
        var replay = await watch.Take(3, ct);

        Assert.Equal([WatchEventType.Modified, WatchEventType.Deleted, WatchEventType.Added], replay.Select(e => e.Type));
        Assert.Equal(["a", "b", "c"], replay.Select(e => e.Object.Name()));
        Assert.Equal(long.Parse(a2.Rv()), replay[0].ResourceVersion);
        Assert.Equal(long.Parse(b.Rv()) + 2, replay[1].ResourceVersion); // the delete's own revision
        Assert.Equal(replay[1].ResourceVersion.ToString(), replay[1].Object.Rv());
        Assert.Equal(long.Parse(c.Rv()), replay[2].ResourceVersion);
        Assert.True(del.Deleted);

        // ...and then live changes follow without a gap.
        var d = await t.Store.CreateAsync(ConfigMaps, ConfigMap("d"), ct);
        var live = await watch.Take(1, ct);
        Assert.Equal(long.Parse(d.Rv()), live[0].ResourceVersion);
    }

    [Fact]
    public async Task Watch_NoResourceVersion_SyntheticAddedThenChanges()
    {
        await using var t = TempStore.Create();
        var ct = Deadline();
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("a"), ct);
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("b", "other"), ct);
        var gone = await t.Store.CreateAsync(ConfigMaps, ConfigMap("gone"), ct);
        await t.Store.DeleteAsync(ConfigMaps, "default", "gone", new DeleteOptions(), ct);

        await using var watch = t.Store.WatchAsync(ConfigMaps, "default", new WatchOptions { ResourceVersion = "0" }, ct).GetAsyncEnumerator(ct);
        var initial = await watch.Take(1, ct);
        var next = t.Store.CreateAsync(ConfigMaps, ConfigMap("c"), ct);
        var live = await watch.Take(1, ct);

        Assert.Equal(WatchEventType.Added, initial[0].Type);
        Assert.Equal("a", initial[0].Object.Name());
        Assert.Equal("c", live[0].Object.Name());
        Assert.Equal(long.Parse((await next).Rv()), live[0].ResourceVersion);
        Assert.NotNull(gone);
    }

    [Fact]
    public async Task Watch_CompactedResourceVersion_ThrowsExpired()
    {
        await using var t = TempStore.Create();
        var ct = Deadline();
        var a = await t.Store.CreateAsync(ConfigMaps, ConfigMap("a"), ct);
        for (var i = 0; i < 5; i++)
        {
            a = await t.Store.UpdateAsync(ConfigMaps, a.With(o => o["data"]!["k"] = $"{i}"), null, ct);
        }

        await t.Store.CompactAsync(t.Store.CurrentRevision - 1, ct);

        var e = await Assert.ThrowsAsync<StoreException>(async () =>
        {
            await foreach (var _ in t.Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = "1" }, ct))
            {
            }
        });
        Assert.Equal(StoreErrorReason.Expired, e.Reason);

        // From the compact revision on, the watch works and sees the last change.
        await using var ok = t.Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = (t.Store.CurrentRevision - 1).ToString() }, ct).GetAsyncEnumerator(ct);
        var events = await ok.Take(1, ct);
        Assert.Equal(t.Store.CurrentRevision, events[0].ResourceVersion);
    }

    [Fact]
    public async Task Watch_SlowWatcherOverflows_GetsExpiredErrorAndEnds()
    {
        await using var t = TempStore.Create(options: new StoreOptions { WatchQueueCapacity = 4 });
        var ct = Deadline();
        await using var watch = t.Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = t.Store.CurrentRevision.ToString() }, ct).GetAsyncEnumerator(ct);
        var first = watch.MoveNextAsync().AsTask();
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("first"), ct);
        Assert.True(await first);

        for (var i = 0; i < 20; i++)
        {
            await t.Store.CreateAsync(ConfigMaps, ConfigMap($"c{i}"), ct);
        }

        var rest = new List<WatchEvent>();
        while (await watch.MoveNextAsync())
        {
            rest.Add(watch.Current);
        }

        var error = rest[^1];
        Assert.Equal(WatchEventType.Error, error.Type);
        Assert.Equal("Expired", error.Object["reason"]!.GetValue<string>());
        Assert.Equal(410, error.Object["code"]!.GetValue<int>());
        Assert.True(rest.Count < 21);
        Assert.Equal(rest.Take(rest.Count - 1).Select(e => e.ResourceVersion).Order(), rest.Take(rest.Count - 1).Select(e => e.ResourceVersion));
    }

    [Fact]
    public async Task Watch_LabelSelector_TransitionsBecomeAddedAndDeleted()
    {
        await using var t = TempStore.Create();
        var ct = Deadline();
        var pod = await t.Store.CreateAsync(Pods, Pod("p"), ct);
        await using var watch = t.Store.WatchAsync(Pods, "default", new WatchOptions { ResourceVersion = pod.Rv(), LabelSelector = "app=web" }, ct).GetAsyncEnumerator(ct);
        var first = watch.MoveNextAsync().AsTask();

        var matching = await t.Store.UpdateAsync(Pods, pod.With(o => o.Meta()["labels"] = new JsonObject { ["app"] = "web" }), null, ct);
        var still = await t.Store.UpdateAsync(Pods, matching.With(o => o.Meta()["labels"]!["x"] = "1"), null, ct);
        var leaving = await t.Store.UpdateAsync(Pods, still.With(o => o.Meta()["labels"] = new JsonObject { ["app"] = "db" }), null, ct);
        await t.Store.UpdateAsync(Pods, leaving.With(o => o.Meta()["labels"]!["y"] = "1"), null, ct); // not matching before or after
        var back = await t.Store.UpdateAsync(Pods, leaving.With(o => o.Meta()["labels"] = new JsonObject { ["app"] = "web" }), null, CancellationToken.None)
            .ContinueWith(_ => (JsonObject?)null, ct);
        Assert.Null(back); // a conflict: stale resourceVersion; ignored

        Assert.True(await first);
        var events = new List<WatchEvent> { watch.Current };
        events.AddRange(await watch.Take(2, ct));

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal(leaving.Rv(), events[2].Object.Rv());
    }

    [Fact]
    public async Task Watch_FieldSelector_FiltersByNodeName()
    {
        await using var t = TempStore.Create();
        var ct = Deadline();
        var from = t.Store.CurrentRevision.ToString();
        await t.Store.CreateAsync(Pods, Pod("a", nodeName: "n1"), ct);
        await t.Store.CreateAsync(Pods, Pod("b", nodeName: "n2"), ct);
        await t.Store.CreateAsync(Pods, Pod("c", nodeName: "n1"), ct);

        await using var watch = t.Store.WatchAsync(Pods, null, new WatchOptions { ResourceVersion = from, FieldSelector = "spec.nodeName=n1" }, ct).GetAsyncEnumerator(ct);
        var events = await watch.Take(2, ct);

        Assert.Equal(["a", "c"], events.Select(e => e.Object.Name()));
    }

    [Fact]
    public async Task Watch_NamespaceScoped_IgnoresOtherNamespacesAndPrefixSiblings()
    {
        await using var t = TempStore.Create();
        var ct = Deadline();
        var from = t.Store.CurrentRevision.ToString();
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("x", "ns"), ct);
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("y", "ns2"), ct);
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("z", "ns"), ct);

        await using var watch = t.Store.WatchAsync(ConfigMaps, "ns", new WatchOptions { ResourceVersion = from }, ct).GetAsyncEnumerator(ct);
        var events = await watch.Take(2, ct);

        Assert.Equal(["x", "z"], events.Select(e => e.Object.Name()));
    }

    [Fact]
    public async Task Watch_Bookmarks_EmittedWhenIdleWithCurrentRevision()
    {
        var time = new FakeTimeProvider();
        await using var t = TempStore.Create(time, new StoreOptions { BookmarkInterval = TimeSpan.FromSeconds(10) });
        var ct = Deadline();
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("a"), ct);
        await t.Store.CreateAsync(Pods, Pod("other-kind"), ct); // advances the revision without an event for this watch
        var from = t.Store.CurrentRevision.ToString();
        await using var watch = t.Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = from, AllowBookmarks = true }, ct).GetAsyncEnumerator(ct);
        var next = watch.MoveNextAsync().AsTask();
        await t.Store.CreateAsync(Pods, Pod("later"), ct);

        // The timer exists once the watch is live; advance until the bookmark arrives.
        while (!next.IsCompleted)
        {
            ct.ThrowIfCancellationRequested();
            time.Advance(TimeSpan.FromSeconds(10));
            await Task.WhenAny(next, Task.Delay(20, ct));
        }

        Assert.True(await next);
        Assert.Equal(WatchEventType.Bookmark, watch.Current.Type);
        Assert.Equal(t.Store.CurrentRevision, watch.Current.ResourceVersion);
        Assert.Equal(t.Store.CurrentRevision.ToString(), watch.Current.Object.Rv());
    }

    [Fact]
    public async Task Watch_Cancelled_EndsWithoutError()
    {
        await using var t = TempStore.Create();
        using var cts = new CancellationTokenSource();
        var events = 0;
        var run = Task.Run(async () =>
        {
            await foreach (var _ in t.Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = "1" }, cts.Token))
            {
                events++;
            }
        });
        await cts.CancelAsync();
        await run.WaitAsync(Deadline());
        Assert.Equal(0, events);
    }

    [Fact]
    public async Task Watch_InvalidSelector_BadRequest()
    {
        await using var t = TempStore.Create();
        var e = await Assert.ThrowsAsync<StoreException>(async () =>
        {
            await foreach (var _ in t.Store.WatchAsync(Pods, null, new WatchOptions { FieldSelector = "spec.foo=bar" }, Deadline()))
            {
            }
        });
        Assert.Equal(StoreErrorReason.BadRequest, e.Reason);
        Assert.Equal("field label not supported: spec.foo", e.Message);
    }
}
