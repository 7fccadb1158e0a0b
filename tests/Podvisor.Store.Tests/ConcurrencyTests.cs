using System.Text.Json.Nodes;
using Podvisor.Store.Log;
using static Podvisor.Store.Tests.Objects;

namespace Podvisor.Store.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Update_ManyConcurrentWithSameResourceVersion_ExactlyOneWins()
    {
        await using var t = TempStore.Create();
        for (var round = 0; round < 20; round++)
        {
            var name = $"c{round}";
            var created = await t.Store.CreateAsync(ConfigMaps, ConfigMap(name), CancellationToken.None);
            using var go = new ManualResetEventSlim();
            var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                go.Wait();
                try
                {
                    await t.Store.UpdateAsync(ConfigMaps, created.With(o => o["data"]!["k"] = $"writer-{i}"), null, CancellationToken.None);
                    return true;
                }
                catch (StoreException e) when (e.Reason == StoreErrorReason.Conflict)
                {
                    return false;
                }
            })).ToArray();
            go.Set();

            var results = await Task.WhenAll(tasks);

            Assert.Equal(1, results.Count(r => r));
            var stored = await t.Store.GetAsync(ConfigMaps, "default", name, CancellationToken.None);
            Assert.Equal(long.Parse(created.Rv()) + 1, long.Parse(stored!.Rv()));
            Assert.Equal(2, stored!.Generation());
        }
    }

    [Fact]
    public async Task Create_ManyConcurrentSameName_ExactlyOneSucceeds()
    {
        await using var t = TempStore.Create();
        using var go = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            go.Wait();
            try
            {
                await t.Store.CreateAsync(ConfigMaps, ConfigMap("same"), CancellationToken.None);
                return true;
            }
            catch (StoreException e) when (e.Reason == StoreErrorReason.AlreadyExists)
            {
                return false;
            }
        })).ToArray();
        go.Set();

        Assert.Equal(1, (await Task.WhenAll(tasks)).Count(r => r));
    }

    [Fact]
    public async Task LogWrite_TwoUpdatesSameExpectedRevisionInOneBatch_OneConflicts()
    {
        await using var t = TempStore.Create();
        var log = t.Store.Log;
        var created = await log.WriteAsync(LogOp.Create, "/registry/test/k", [1], 0, null, CancellationToken.None);

        // Queued together before the writer loop wakes, they are decided in one batch (or consecutive ones):
        // either way exactly one may win.
        var a = log.WriteAsync(LogOp.Update, "/registry/test/k", [2], created.Revision, null, CancellationToken.None).AsTask();
        var b = log.WriteAsync(LogOp.Update, "/registry/test/k", [3], created.Revision, null, CancellationToken.None).AsTask();
        var results = await Task.WhenAll(a, b);

        Assert.Single(results, r => r.Status == WriteStatus.Ok);
        Assert.Single(results, r => r.Status == WriteStatus.Conflict);
        var latest = log.Backend.GetLatest("/registry/test/k");
        Assert.Equal(created.Revision + 1, latest!.Value.Revision);
    }

    [Fact]
    public async Task LogWrite_ConcurrentWriters_RevisionsUniqueAndDense()
    {
        await using var t = TempStore.Create();
        var log = t.Store.Log;
        var start = log.CurrentRevision;
        var tasks = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var revisions = new List<long>();
            for (var i = 0; i < 200; i++)
            {
                var r = await log.WriteAsync(LogOp.Create, $"/registry/test/w{w}-{i}", [1], 0, null, CancellationToken.None);
                Assert.Equal(WriteStatus.Ok, r.Status);
                revisions.Add(r.Revision);
            }

            return revisions;
        })).ToArray();

        var all = (await Task.WhenAll(tasks)).SelectMany(r => r).Order().ToList();

        Assert.Equal(Enumerable.Range(1, 1600).Select(i => start + i), all);
        Assert.Equal(start + 1600, log.CurrentRevision);
    }

    [Fact]
    public async Task Update_ConcurrentUnconditionalUpdates_AllApplied()
    {
        await using var t = TempStore.Create();
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("c"), CancellationToken.None);
        var tasks = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                var cm = ConfigMap("c");
                cm["data"]![$"w{w}"] = $"{i}";
                await t.Store.UpdateAsync(ConfigMaps, cm, null, CancellationToken.None);
            }
        }));

        await Task.WhenAll(tasks);

        var stored = await t.Store.GetAsync(ConfigMaps, "default", "c", CancellationToken.None);
        Assert.NotNull(stored!["data"]);
    }
}
