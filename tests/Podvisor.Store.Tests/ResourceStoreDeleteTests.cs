using System.Text.Json.Nodes;
using Podvisor.Testing;
using static Podvisor.Store.Tests.Objects;

namespace Podvisor.Store.Tests;

public sealed class ResourceStoreDeleteTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private static JsonObject WithFinalizer(JsonObject o, string finalizer = "example.com/hold")
    {
        o.Meta()["finalizers"] = new JsonArray(finalizer);
        return o;
    }

    [Fact]
    public async Task Delete_PodWithGrace_MarksWithDeadlineAndKeepsObject()
    {
        var time = new FakeTimeProvider(Start);
        await using var t = TempStore.Create(time);
        await t.Store.CreateAsync(Pods, Pod("p"), CancellationToken.None);

        var result = await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions { GracePeriodSeconds = 45 }, CancellationToken.None);

        Assert.False(result.Deleted);
        Assert.Equal("2026-03-04T05:06:52Z", result.Object.Meta()["deletionTimestamp"]!.GetValue<string>());
        Assert.Equal(45, result.Object.Meta()["deletionGracePeriodSeconds"]!.GetValue<long>());
        var stored = await t.Store.GetAsync(Pods, "default", "p", CancellationToken.None);
        Assert.Equal(result.Object.ToJsonString(), stored!.ToJsonString());
    }

    [Theory]
    [InlineData(null, 30)]
    [InlineData(7L, 7)]
    public async Task Delete_PodWithoutGraceOption_UsesSpecOrThirty(long? specGrace, long expected)
    {
        await using var t = TempStore.Create(new FakeTimeProvider(Start));
        await t.Store.CreateAsync(Pods, Pod("p", grace: specGrace), CancellationToken.None);

        var result = await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions(), CancellationToken.None);

        Assert.Equal(expected, result.Object.Meta()["deletionGracePeriodSeconds"]!.GetValue<long>());
    }

    [Fact]
    public async Task Delete_SecondDeleteWithLongerGrace_DoesNotExtend()
    {
        var time = new FakeTimeProvider(Start);
        await using var t = TempStore.Create(time);
        await t.Store.CreateAsync(Pods, Pod("p"), CancellationToken.None);
        var first = await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions { GracePeriodSeconds = 10 }, CancellationToken.None);
        var revision = t.Store.CurrentRevision;

        var second = await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions { GracePeriodSeconds = 60 }, CancellationToken.None);

        Assert.Equal(revision, t.Store.CurrentRevision);
        Assert.Equal(first.Object.ToJsonString(), second.Object.ToJsonString());
    }

    [Fact]
    public async Task Delete_SecondDeleteWithShorterGrace_Shortens()
    {
        var time = new FakeTimeProvider(Start);
        await using var t = TempStore.Create(time);
        await t.Store.CreateAsync(Pods, Pod("p"), CancellationToken.None);
        await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions { GracePeriodSeconds = 60 }, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));

        var second = await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions { GracePeriodSeconds = 10 }, CancellationToken.None);

        Assert.False(second.Deleted);
        Assert.Equal(10, second.Object.Meta()["deletionGracePeriodSeconds"]!.GetValue<long>());
        Assert.Equal("2026-03-04T05:06:22Z", second.Object.Meta()["deletionTimestamp"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_GracefulThenGraceZero_DeletesPod()
    {
        await using var t = TempStore.Create();
        await t.Store.CreateAsync(Pods, Pod("p"), CancellationToken.None);
        await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions { GracePeriodSeconds = 30 }, CancellationToken.None);

        var result = await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions { GracePeriodSeconds = 0 }, CancellationToken.None);

        Assert.True(result.Deleted);
        Assert.Null(await t.Store.GetAsync(Pods, "default", "p", CancellationToken.None));
    }

    [Fact]
    public async Task Delete_NonGracefulKindWithoutFinalizers_DeletesAtOnce()
    {
        await using var t = TempStore.Create();
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("c"), CancellationToken.None);

        var result = await t.Store.DeleteAsync(ConfigMaps, "default", "c", new DeleteOptions { GracePeriodSeconds = 30 }, CancellationToken.None);

        Assert.True(result.Deleted);
        Assert.Equal("v", result.Object["data"]!["k"]!.GetValue<string>());
        Assert.Null(await t.Store.GetAsync(ConfigMaps, "default", "c", CancellationToken.None));
    }

    [Fact]
    public async Task Delete_Missing_NotFound()
    {
        await using var t = TempStore.Create();
        var e = await Assert.ThrowsAsync<StoreException>(() => t.Store.DeleteAsync(ConfigMaps, "default", "c", new DeleteOptions(), CancellationToken.None));
        Assert.Equal(StoreErrorReason.NotFound, e.Reason);
        Assert.Equal("configmaps \"c\" not found", e.Message);
    }

    [Fact]
    public async Task Delete_WithFinalizers_MarksUntilLastFinalizerRemoved()
    {
        var time = new FakeTimeProvider(Start);
        await using var t = TempStore.Create(time);
        await t.Store.CreateAsync(ConfigMaps, WithFinalizer(ConfigMap("c")), CancellationToken.None);

        var marked = await t.Store.DeleteAsync(ConfigMaps, "default", "c", new DeleteOptions(), CancellationToken.None);

        Assert.False(marked.Deleted);
        Assert.Equal("2026-03-04T05:06:07Z", marked.Object.Meta()["deletionTimestamp"]!.GetValue<string>());
        Assert.Equal(0, marked.Object.Meta()["deletionGracePeriodSeconds"]!.GetValue<long>());

        var relabelled = await t.Store.UpdateAsync(ConfigMaps, marked.Object.With(o => o.Meta()["labels"] = new JsonObject { ["x"] = "y" }), null, CancellationToken.None);
        Assert.NotNull(await t.Store.GetAsync(ConfigMaps, "default", "c", CancellationToken.None));
        Assert.Equal(marked.Object.Meta()["deletionTimestamp"]!.GetValue<string>(), relabelled.Meta()["deletionTimestamp"]!.GetValue<string>());

        await t.Store.UpdateAsync(ConfigMaps, relabelled.With(o => o.Meta().Remove("finalizers")), null, CancellationToken.None);

        Assert.Null(await t.Store.GetAsync(ConfigMaps, "default", "c", CancellationToken.None));
    }

    [Fact]
    public async Task Update_RemovingFinalizerOfGracefullyMarkedPod_KeepsPodUntilGraceZero()
    {
        await using var t = TempStore.Create();
        await t.Store.CreateAsync(Pods, WithFinalizer(Pod("p")), CancellationToken.None);
        var marked = await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions { GracePeriodSeconds = 30 }, CancellationToken.None);

        var updated = await t.Store.UpdateAsync(Pods, marked.Object.With(o => o.Meta().Remove("finalizers")), null, CancellationToken.None);

        Assert.NotNull(await t.Store.GetAsync(Pods, "default", "p", CancellationToken.None));
        var final = await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions { GracePeriodSeconds = 0 }, CancellationToken.None);
        Assert.True(final.Deleted);
        Assert.Null(await t.Store.GetAsync(Pods, "default", "p", CancellationToken.None));
        Assert.NotNull(updated);
    }

    [Fact]
    public async Task Delete_PodWithFinalizersGraceZero_MarksThenFinalizerRemovalDeletes()
    {
        await using var t = TempStore.Create();
        await t.Store.CreateAsync(Pods, WithFinalizer(Pod("p")), CancellationToken.None);
        await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions { GracePeriodSeconds = 30 }, CancellationToken.None);

        var zero = await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions { GracePeriodSeconds = 0 }, CancellationToken.None);

        Assert.False(zero.Deleted);
        Assert.Equal(0, zero.Object.Meta()["deletionGracePeriodSeconds"]!.GetValue<long>());
        await t.Store.UpdateAsync(Pods, zero.Object.With(o => o.Meta()["finalizers"] = new JsonArray()), null, CancellationToken.None);
        Assert.Null(await t.Store.GetAsync(Pods, "default", "p", CancellationToken.None));
    }

    [Fact]
    public async Task Delete_FirstMark_BumpsGenerationAsKubernetes()
    {
        await using var t = TempStore.Create();
        await t.Store.CreateAsync(Pods, Pod("p"), CancellationToken.None);
        var marked = await t.Store.DeleteAsync(Pods, "default", "p", new DeleteOptions { GracePeriodSeconds = 30 }, CancellationToken.None);
        Assert.Equal(2, marked.Object.Generation());
    }

    [Fact]
    public async Task Delete_UidPreconditionMismatch_Conflict()
    {
        await using var t = TempStore.Create();
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("c"), CancellationToken.None);

        var e = await Assert.ThrowsAsync<StoreException>(() =>
            t.Store.DeleteAsync(ConfigMaps, "default", "c", new DeleteOptions { PreconditionUid = "other" }, CancellationToken.None));

        Assert.Equal(StoreErrorReason.Conflict, e.Reason);
        Assert.Contains("Precondition failed: UID in precondition: other", e.Message);
        Assert.NotNull(await t.Store.GetAsync(ConfigMaps, "default", "c", CancellationToken.None));
    }

    [Fact]
    public async Task Delete_ResourceVersionPrecondition_ConflictWhenStaleDeletesWhenCurrent()
    {
        await using var t = TempStore.Create();
        var created = await t.Store.CreateAsync(ConfigMaps, ConfigMap("c"), CancellationToken.None);
        var updated = await t.Store.UpdateAsync(ConfigMaps, created.With(o => o["data"]!["k"] = "2"), null, CancellationToken.None);

        var e = await Assert.ThrowsAsync<StoreException>(() =>
            t.Store.DeleteAsync(ConfigMaps, "default", "c", new DeleteOptions { PreconditionResourceVersion = created.Rv() }, CancellationToken.None));
        Assert.Equal(StoreErrorReason.Conflict, e.Reason);

        var result = await t.Store.DeleteAsync(
            ConfigMaps, "default", "c",
            new DeleteOptions { PreconditionResourceVersion = updated.Rv(), PreconditionUid = created.Meta()["uid"]!.GetValue<string>() },
            CancellationToken.None);
        Assert.True(result.Deleted);
    }

    [Fact]
    public async Task Create_AfterDelete_NewUidAndResourceVersion()
    {
        await using var t = TempStore.Create();
        var first = await t.Store.CreateAsync(ConfigMaps, ConfigMap("c"), CancellationToken.None);
        await t.Store.DeleteAsync(ConfigMaps, "default", "c", new DeleteOptions(), CancellationToken.None);

        var second = await t.Store.CreateAsync(ConfigMaps, ConfigMap("c"), CancellationToken.None);

        Assert.NotEqual(first.Meta()["uid"]!.GetValue<string>(), second.Meta()["uid"]!.GetValue<string>());
        Assert.True(long.Parse(second.Rv()) > long.Parse(first.Rv()));
    }
}
