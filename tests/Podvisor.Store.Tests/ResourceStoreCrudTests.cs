using System.Globalization;
using System.Text.Json.Nodes;
using Podvisor.Testing;
using static Podvisor.Store.Tests.Objects;

namespace Podvisor.Store.Tests;

public sealed class ResourceStoreCrudTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);

    [Fact]
    public async Task Create_NewObject_FillsStoreOwnedMetadata()
    {
        await using var t = TempStore.Create(new FakeTimeProvider(Start));
        var input = Pod("web");
        input.Meta()["resourceVersion"] = "999";
        input.Meta()["uid"] = "client-chosen";

        var created = await t.Store.CreateAsync(Pods, input, CancellationToken.None);

        var meta = created.Meta();
        Assert.True(Guid.TryParse(meta["uid"]!.GetValue<string>(), out _));
        Assert.Equal("2026-03-04T05:06:07Z", meta["creationTimestamp"]!.GetValue<string>());
        Assert.Equal(1, created.Generation());
        Assert.Equal(t.Store.CurrentRevision.ToString(), created.Rv());
        Assert.Equal("999", input.Meta()["resourceVersion"]!.GetValue<string>()); // input not mutated
        var read = await t.Store.GetAsync(Pods, "default", "web", CancellationToken.None);
        Assert.Equal(created.ToJsonString(), read!.ToJsonString());
    }

    [Fact]
    public async Task Create_Twice_AlreadyExistsWithKubernetesWording()
    {
        await using var t = TempStore.Create();
        await t.Store.CreateAsync(Pods, Pod("web"), CancellationToken.None);

        var e = await Assert.ThrowsAsync<StoreException>(() => t.Store.CreateAsync(Pods, Pod("web"), CancellationToken.None));

        Assert.Equal(StoreErrorReason.AlreadyExists, e.Reason);
        Assert.Equal("pods \"web\" already exists", e.Message);
    }

    [Fact]
    public async Task Create_SameNameInOtherNamespace_Succeeds()
    {
        await using var t = TempStore.Create();
        await t.Store.CreateAsync(Pods, Pod("web", "a"), CancellationToken.None);
        await t.Store.CreateAsync(Pods, Pod("web", "b"), CancellationToken.None);
        Assert.Equal(2, (await t.Store.ListAsync(Pods, null, new ListOptions(), CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task Create_GenerateName_AppendsFiveRandomCharacters()
    {
        await using var t = TempStore.Create();
        var names = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var pod = Pod("");
            pod.Meta().Remove("name");
            pod.Meta()["generateName"] = "web-";
            var created = await t.Store.CreateAsync(Pods, pod, CancellationToken.None);
            Assert.Matches("^web-[a-z0-9]{5}$", created.Name());
            names.Add(created.Name());
        }

        Assert.Equal(20, names.Count);
    }

    [Fact]
    public async Task Create_NamespacedWithoutNamespace_BadRequest()
    {
        await using var t = TempStore.Create();
        var pod = Pod("web");
        pod.Meta().Remove("namespace");
        var e = await Assert.ThrowsAsync<StoreException>(() => t.Store.CreateAsync(Pods, pod, CancellationToken.None));
        Assert.Equal(StoreErrorReason.BadRequest, e.Reason);
    }

    [Fact]
    public async Task Create_WithoutNameOrGenerateName_Invalid()
    {
        await using var t = TempStore.Create();
        var pod = Pod("web");
        pod.Meta().Remove("name");
        var e = await Assert.ThrowsAsync<StoreException>(() => t.Store.CreateAsync(Pods, pod, CancellationToken.None));
        Assert.Equal(StoreErrorReason.Invalid, e.Reason);
    }

    [Fact]
    public async Task Create_ClusterScoped_DropsNamespace()
    {
        await using var t = TempStore.Create();
        var node = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "n1", ["namespace"] = "x" } };
        var created = await t.Store.CreateAsync(Nodes, node, CancellationToken.None);
        Assert.False(created.Meta().ContainsKey("namespace"));
        Assert.Equal("Node", created["kind"]!.GetValue<string>());
        Assert.NotNull(await t.Store.GetAsync(Nodes, null, "n1", CancellationToken.None));
    }

    [Fact]
    public async Task Get_Missing_ReturnsNull()
    {
        await using var t = TempStore.Create();
        Assert.Null(await t.Store.GetAsync(Pods, "default", "nope", CancellationToken.None));
    }

    [Fact]
    public async Task Update_Missing_NotFoundWithKubernetesWording()
    {
        await using var t = TempStore.Create();
        var e = await Assert.ThrowsAsync<StoreException>(() => t.Store.UpdateAsync(Pods, Pod("x"), null, CancellationToken.None));
        Assert.Equal(StoreErrorReason.NotFound, e.Reason);
        Assert.Equal("pods \"x\" not found", e.Message);
    }

    [Fact]
    public async Task Update_StaleResourceVersion_ConflictWithKubernetesWording()
    {
        await using var t = TempStore.Create();
        var created = await t.Store.CreateAsync(Pods, Pod("x"), CancellationToken.None);
        await t.Store.UpdateAsync(Pods, created.With(o => o.Meta()["labels"] = new JsonObject { ["a"] = "1" }), null, CancellationToken.None);

        var e = await Assert.ThrowsAsync<StoreException>(() =>
            t.Store.UpdateAsync(Pods, created.With(o => o.Meta()["labels"] = new JsonObject { ["a"] = "2" }), null, CancellationToken.None));

        Assert.Equal(StoreErrorReason.Conflict, e.Reason);
        Assert.Equal(
            "Operation cannot be fulfilled on pods \"x\": the object has been modified; please apply your changes to the latest version and try again",
            e.Message);
    }

    [Fact]
    public async Task Update_GroupedResource_ConflictNamesQualifiedResource()
    {
        await using var t = TempStore.Create();
        var d = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "d", ["namespace"] = "default" }, ["spec"] = new JsonObject() };
        var created = await t.Store.CreateAsync(KnownResourceTypes.Deployments, d, CancellationToken.None);
        await t.Store.UpdateAsync(KnownResourceTypes.Deployments, created.With(o => o["spec"]!["replicas"] = 2), null, CancellationToken.None);
        var e = await Assert.ThrowsAsync<StoreException>(() =>
            t.Store.UpdateAsync(KnownResourceTypes.Deployments, created.With(o => o["spec"]!["replicas"] = 3), null, CancellationToken.None));
        Assert.StartsWith("Operation cannot be fulfilled on deployments.apps \"d\"", e.Message);
    }

    [Fact]
    public async Task Update_WithoutResourceVersion_IsUnconditional()
    {
        await using var t = TempStore.Create();
        await t.Store.CreateAsync(Pods, Pod("x"), CancellationToken.None);
        await t.Store.UpdateAsync(Pods, Pod("x", labels: new Dictionary<string, string> { ["a"] = "1" }), null, CancellationToken.None);
        var updated = await t.Store.UpdateAsync(Pods, Pod("x", labels: new Dictionary<string, string> { ["a"] = "2" }), null, CancellationToken.None);
        Assert.Equal("2", updated.Meta()["labels"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_SpecChange_BumpsGeneration()
    {
        await using var t = TempStore.Create();
        var created = await t.Store.CreateAsync(Pods, Pod("x"), CancellationToken.None);

        var updated = await t.Store.UpdateAsync(Pods, created.With(o => o["spec"]!["nodeName"] = "n1"), null, CancellationToken.None);

        Assert.Equal(2, updated.Generation());
    }

    [Fact]
    public async Task Update_MetadataOnlyChange_KeepsGeneration()
    {
        await using var t = TempStore.Create();
        var created = await t.Store.CreateAsync(Pods, Pod("x"), CancellationToken.None);

        var updated = await t.Store.UpdateAsync(Pods, created.With(o => o.Meta()["labels"] = new JsonObject { ["a"] = "b" }), null, CancellationToken.None);

        Assert.Equal(1, updated.Generation());
        Assert.NotEqual(created.Rv(), updated.Rv());
    }

    [Fact]
    public async Task UpdateStatus_StatusOnly_KeepsGenerationAndSpec()
    {
        await using var t = TempStore.Create();
        var created = await t.Store.CreateAsync(Pods, Pod("x"), CancellationToken.None);

        var updated = await t.Store.UpdateAsync(
            Pods,
            created.With(o =>
            {
                o["status"] = new JsonObject { ["phase"] = "Running" };
                o["spec"]!["nodeName"] = "ignored";
                o.Meta()["labels"] = new JsonObject { ["ignored"] = "yes" };
            }),
            "status",
            CancellationToken.None);

        Assert.Equal(1, updated.Generation());
        Assert.Equal("Running", updated["status"]!["phase"]!.GetValue<string>());
        Assert.Null(updated["spec"]!["nodeName"]);
        Assert.False(updated.Meta().ContainsKey("labels"));
    }

    [Fact]
    public async Task Update_MainResource_KeepsStoredStatus()
    {
        await using var t = TempStore.Create();
        var created = await t.Store.CreateAsync(Pods, Pod("x"), CancellationToken.None);
        var withStatus = await t.Store.UpdateAsync(Pods, created.With(o => o["status"] = new JsonObject { ["phase"] = "Running" }), "status", CancellationToken.None);

        var updated = await t.Store.UpdateAsync(Pods, withStatus.With(o => o["status"] = new JsonObject { ["phase"] = "Failed" }), null, CancellationToken.None);

        Assert.Equal("Running", updated["status"]!["phase"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_SpecAndStatus_BothWrittenInOneRevision()
    {
        await using var t = TempStore.Create();
        var created = await t.Store.CreateAsync(Pods, Pod("x"), CancellationToken.None);

        var updated = await t.Store.UpdateAsync(
            Pods,
            created.With(o =>
            {
                o["spec"]!["nodeName"] = "node-1";
                o["status"] = new JsonObject { ["phase"] = "Pending" };
            }),
            Subresources.SpecAndStatus,
            CancellationToken.None);

        Assert.Equal("node-1", updated["spec"]!["nodeName"]!.GetValue<string>());
        Assert.Equal("Pending", updated["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(long.Parse(created.Rv(), CultureInfo.InvariantCulture) + 1, long.Parse(updated.Rv(), CultureInfo.InvariantCulture));
        var stored = await t.Store.GetAsync(Pods, "default", "x", CancellationToken.None);
        Assert.Equal("Pending", stored!["status"]!["phase"]!.GetValue<string>());
        Assert.Equal("node-1", stored["spec"]!["nodeName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_KindWithoutStatusSubresource_DataChangeBumpsGeneration()
    {
        await using var t = TempStore.Create();
        var created = await t.Store.CreateAsync(ConfigMaps, ConfigMap("c"), CancellationToken.None);
        var updated = await t.Store.UpdateAsync(ConfigMaps, created.With(o => o["data"]!["k"] = "changed"), null, CancellationToken.None);
        Assert.Equal(2, updated.Generation());
        Assert.Equal("changed", updated["data"]!["k"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_UidAndCreationTimestamp_KeptFromStored()
    {
        await using var t = TempStore.Create();
        var created = await t.Store.CreateAsync(Pods, Pod("x"), CancellationToken.None);

        var updated = await t.Store.UpdateAsync(
            Pods,
            created.With(o =>
            {
                o.Meta()["uid"] = "forged";
                o.Meta()["creationTimestamp"] = "2000-01-01T00:00:00Z";
                o.Meta()["deletionTimestamp"] = "2000-01-01T00:00:00Z";
            }),
            null,
            CancellationToken.None);

        Assert.Equal(created.Meta()["uid"]!.GetValue<string>(), updated.Meta()["uid"]!.GetValue<string>());
        Assert.Equal(created.Meta()["creationTimestamp"]!.GetValue<string>(), updated.Meta()["creationTimestamp"]!.GetValue<string>());
        Assert.False(updated.Meta().ContainsKey("deletionTimestamp"));
    }

    [Fact]
    public async Task Update_NoChange_WritesNoRevision()
    {
        await using var t = TempStore.Create();
        var created = await t.Store.CreateAsync(Pods, Pod("x"), CancellationToken.None);
        var before = t.Store.CurrentRevision;

        var same = await t.Store.UpdateAsync(Pods, created, null, CancellationToken.None);

        Assert.Equal(before, t.Store.CurrentRevision);
        Assert.Equal(created.Rv(), same.Rv());
    }

    [Fact]
    public async Task Update_UnknownSubresource_BadRequest()
    {
        await using var t = TempStore.Create();
        var created = await t.Store.CreateAsync(Pods, Pod("x"), CancellationToken.None);
        var e = await Assert.ThrowsAsync<StoreException>(() => t.Store.UpdateAsync(Pods, created, "scale", CancellationToken.None));
        Assert.Equal(StoreErrorReason.BadRequest, e.Reason);
    }

    [Fact]
    public async Task Reopen_AfterWrites_ObjectsAndRevisionSurvive()
    {
        await using var t = TempStore.Create();
        var a = await t.Store.CreateAsync(Pods, Pod("a"), CancellationToken.None);
        await t.Store.CreateAsync(Pods, Pod("b"), CancellationToken.None);
        await t.Store.DeleteAsync(Pods, "default", "b", new DeleteOptions { GracePeriodSeconds = 0 }, CancellationToken.None);
        var revision = t.Store.CurrentRevision;

        await t.ReopenAsync();

        Assert.Equal(revision, t.Store.CurrentRevision);
        Assert.Equal(a.ToJsonString(), (await t.Store.GetAsync(Pods, "default", "a", CancellationToken.None))!.ToJsonString());
        Assert.Null(await t.Store.GetAsync(Pods, "default", "b", CancellationToken.None));
        var b = await t.Store.CreateAsync(Pods, Pod("b"), CancellationToken.None);
        Assert.Equal(revision + 1, long.Parse(b.Rv()));
    }
}
