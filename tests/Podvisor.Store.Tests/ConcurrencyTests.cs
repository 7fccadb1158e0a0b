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

        // While another thread holds the commit gate neither write can commit on its caller's thread: both queue,
        // and the writer thread, let in when the gate is released, takes them in one batch.
        var (a, b, transactions) = await WhileGateHeldAsync(log, () => (
            log.WriteAsync(LogOp.Update, "/registry/test/k", [2], created.Revision, null, CancellationToken.None).AsTask(),
            log.WriteAsync(LogOp.Update, "/registry/test/k", [3], created.Revision, null, CancellationToken.None).AsTask(),
            log.Transactions));
        var results = await Task.WhenAll(a, b);

        Assert.Equal(transactions + 1, log.Transactions);
        Assert.Single(results, r => r.Status == WriteStatus.Ok);
        Assert.Single(results, r => r.Status == WriteStatus.Conflict);
        var latest = log.Backend.GetLatest("/registry/test/k");
        Assert.Equal(created.Revision + 1, latest!.Value.Revision);
    }

    [Fact]
    public async Task LogWrite_NothingQueued_CommitsOnCallersThreadBeforeReturning()
    {
        await using var t = TempStore.Create();
        var log = t.Store.Log;

        var write = log.WriteAsync(LogOp.Create, "/registry/test/fast", [1], 0, null, CancellationToken.None);

        Assert.True(write.IsCompletedSuccessfully);
        Assert.Equal(log.CurrentRevision, write.Result.Revision);
        Assert.Equal(write.Result.Revision, log.Backend.GetLatest("/registry/test/fast")!.Value.Revision);
    }

    [Fact]
    public async Task LogWrite_QueuedWhileGateHeld_AllCommitInOneTransactionWithDenseRevisions()
    {
        await using var t = TempStore.Create();
        var log = t.Store.Log;
        var start = log.CurrentRevision;

        var (writes, transactions) = await WhileGateHeldAsync(log, () => (
            Enumerable.Range(0, 100).Select(i => log.WriteAsync(LogOp.Create, $"/registry/test/q{i}", [1], 0, null, CancellationToken.None).AsTask()).ToArray(),
            log.Transactions));
        var results = await Task.WhenAll(writes);

        Assert.All(results, r => Assert.Equal(WriteStatus.Ok, r.Status));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => start + i), results.Select(r => r.Revision).Order());
        // The writer thread, woken by the first, takes writes only once it holds the gate: all 100 are queued by then.
        Assert.Equal(transactions + 1, log.Transactions);
    }

    /// <summary>Runs <paramref name="queue"/> while a second thread holds the commit gate, then lets commits go on.</summary>
    private static async Task<T> WhileGateHeldAsync<T>(LogStore log, Func<T> queue)
    {
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = Task.Factory.StartNew(
            () =>
            {
                lock (log.CommitGate)
                {
                    held.Set();
                    release.Wait(TimeSpan.FromSeconds(30));
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        held.Wait(TimeSpan.FromSeconds(30));
        try
        {
            return queue();
        }
        finally
        {
            release.Set();
            await holder;
        }
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
