using System.Text.Json.Nodes;
using static Podvisor.Store.Tests.Objects;

namespace Podvisor.Store.Tests;

public sealed class ListTests
{
    private static async Task SeedAsync(TempStore t)
    {
        var ct = CancellationToken.None;
        await t.Store.CreateAsync(Pods, Pod("web-1", labels: new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }, nodeName: "n1"), ct);
        await t.Store.CreateAsync(Pods, Pod("web-2", labels: new Dictionary<string, string> { ["app"] = "web", ["tier"] = "back" }, nodeName: "n2"), ct);
        await t.Store.CreateAsync(Pods, Pod("db-1", labels: new Dictionary<string, string> { ["app"] = "db" }, nodeName: "n1"), ct);
        await t.Store.CreateAsync(Pods, Pod("bare"), ct);
        await t.Store.CreateAsync(Pods, Pod("other-ns", "kube-system", labels: new Dictionary<string, string> { ["app"] = "web" }), ct);
    }

    [Theory]
    [InlineData("app=web", "web-1,web-2")]
    [InlineData("app==web", "web-1,web-2")]
    [InlineData("app!=web", "bare,db-1")]
    [InlineData("app in (web,db)", "db-1,web-1,web-2")]
    [InlineData("app notin (web)", "bare,db-1")]
    [InlineData("tier", "web-1,web-2")]
    [InlineData("!tier", "bare,db-1")]
    [InlineData("app=web,tier!=front", "web-2")]
    [InlineData("", "bare,db-1,web-1,web-2")]
    public async Task List_LabelSelector_ReturnsMatching(string selector, string expected)
    {
        await using var t = TempStore.Create();
        await SeedAsync(t);

        var list = await t.Store.ListAsync(Pods, "default", new ListOptions { LabelSelector = selector }, CancellationToken.None);

        Assert.Equal(expected, string.Join(',', list.Items.Select(i => i.Name())));
    }

    [Theory]
    [InlineData("spec.nodeName=n1", "db-1,web-1")]
    [InlineData("spec.nodeName==n2", "web-2")]
    [InlineData("spec.nodeName!=n1", "bare,web-2")]
    [InlineData("metadata.name=bare", "bare")]
    [InlineData("metadata.namespace=default,spec.nodeName=", "bare")]
    [InlineData("status.phase=", "bare,db-1,web-1,web-2")]
    public async Task List_FieldSelector_ReturnsMatching(string selector, string expected)
    {
        await using var t = TempStore.Create();
        await SeedAsync(t);

        var list = await t.Store.ListAsync(Pods, "default", new ListOptions { FieldSelector = selector }, CancellationToken.None);

        Assert.Equal(expected, string.Join(',', list.Items.Select(i => i.Name())));
    }

    [Fact]
    public async Task List_EventFieldSelectors_Supported()
    {
        await using var t = TempStore.Create();
        var ev = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "e1", ["namespace"] = "default" },
            ["involvedObject"] = new JsonObject { ["kind"] = "Pod", ["name"] = "web-1", ["namespace"] = "default" },
            ["reason"] = "Started",
            ["type"] = "Normal",
            ["source"] = new JsonObject { ["component"] = "kubelet" },
        };
        await t.Store.CreateAsync(Events, ev, CancellationToken.None);

        var hit = await t.Store.ListAsync(
            Events, "default",
            new ListOptions { FieldSelector = "involvedObject.kind=Pod,involvedObject.name=web-1,reason=Started,type=Normal,source=kubelet" },
            CancellationToken.None);
        var miss = await t.Store.ListAsync(Events, "default", new ListOptions { FieldSelector = "involvedObject.name=web-2" }, CancellationToken.None);

        Assert.Single(hit.Items);
        Assert.Empty(miss.Items);
    }

    [Theory]
    [InlineData(null, "spec.foo=bar", "field label not supported: spec.foo")]
    [InlineData(null, "spec.nodeName", null)]
    [InlineData("app in web", null, null)]
    [InlineData("app=-x-", null, null)]
    public async Task List_InvalidSelector_BadRequest(string? labels, string? fields, string? message)
    {
        await using var t = TempStore.Create();

        var e = await Assert.ThrowsAsync<StoreException>(() =>
            t.Store.ListAsync(Pods, null, new ListOptions { LabelSelector = labels, FieldSelector = fields }, CancellationToken.None));

        Assert.Equal(StoreErrorReason.BadRequest, e.Reason);
        if (message is not null)
        {
            Assert.Equal(message, e.Message);
        }
    }

    [Fact]
    public async Task List_FieldOfOtherKind_BadRequest()
    {
        await using var t = TempStore.Create();
        var e = await Assert.ThrowsAsync<StoreException>(() =>
            t.Store.ListAsync(ConfigMaps, null, new ListOptions { FieldSelector = "spec.nodeName=n1" }, CancellationToken.None));
        Assert.Equal(StoreErrorReason.BadRequest, e.Reason);
    }

    [Fact]
    public async Task List_AllNamespaces_ReturnsEveryNamespaceInKeyOrder()
    {
        await using var t = TempStore.Create();
        await SeedAsync(t);

        var list = await t.Store.ListAsync(Pods, null, new ListOptions(), CancellationToken.None);

        Assert.Equal("bare,db-1,web-1,web-2,other-ns", string.Join(',', list.Items.Select(i => i.Name())));
        Assert.Equal(t.Store.CurrentRevision, list.ResourceVersion);
        Assert.Null(list.Continue);
    }

    [Fact]
    public async Task List_Paging_ConsistentAtFirstPageRevision()
    {
        await using var t = TempStore.Create();
        var ct = CancellationToken.None;
        for (var i = 0; i < 25; i++)
        {
            await t.Store.CreateAsync(ConfigMaps, ConfigMap($"c{i:D2}"), ct);
        }

        var first = await t.Store.ListAsync(ConfigMaps, "default", new ListOptions { Limit = 10 }, ct);
        // Changes after the first page must not show in later pages.
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("c99"), ct);
        await t.Store.DeleteAsync(ConfigMaps, "default", "c20", new DeleteOptions(), ct);
        var c15 = await t.Store.GetAsync(ConfigMaps, "default", "c15", ct);
        await t.Store.UpdateAsync(ConfigMaps, c15!.With(o => o["data"]!["k"] = "changed"), null, ct);

        var second = await t.Store.ListAsync(ConfigMaps, "default", new ListOptions { Limit = 10, Continue = first.Continue }, ct);
        var third = await t.Store.ListAsync(ConfigMaps, "default", new ListOptions { Limit = 10, Continue = second.Continue }, ct);

        Assert.Equal(10, first.Items.Count);
        Assert.Equal(15, first.RemainingItemCount);
        Assert.Equal(5, second.RemainingItemCount);
        Assert.Null(third.Continue);
        Assert.Null(third.RemainingItemCount);
        var names = first.Items.Concat(second.Items).Concat(third.Items).Select(i => i.Name()).ToList();
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"c{i:D2}"), names);
        Assert.Equal(first.ResourceVersion, second.ResourceVersion);
        Assert.Equal(first.ResourceVersion, third.ResourceVersion);
        Assert.Equal("v", second.Items.Single(i => i.Name() == "c15")["data"]!["k"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_NamesWithManyRevisions_NewestOfEachInNameOrder()
    {
        await using var t = TempStore.Create();
        var ct = CancellationToken.None;
        foreach (var name in new[] { "c3", "c1", "c4", "c2" })
        {
            await t.Store.CreateAsync(ConfigMaps, ConfigMap(name), ct);
        }

        for (var i = 0; i < 3; i++)
        {
            var c1 = await t.Store.GetAsync(ConfigMaps, "default", "c1", ct);
            await t.Store.UpdateAsync(ConfigMaps, c1!.With(o => o["data"]!["k"] = $"v{i}"), null, ct);
        }

        await t.Store.DeleteAsync(ConfigMaps, "default", "c2", new DeleteOptions(), ct);
        await t.Store.DeleteAsync(ConfigMaps, "default", "c4", new DeleteOptions(), ct);
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("c4", value: "again"), ct);

        var all = await t.Store.ListAsync(ConfigMaps, "default", new ListOptions(), ct);
        var page = await t.Store.ListAsync(ConfigMaps, "default", new ListOptions { Limit = 1 }, ct);
        var rest = await t.Store.ListAsync(ConfigMaps, "default", new ListOptions { Limit = 5, Continue = page.Continue }, ct);

        Assert.Equal(["c1", "c3", "c4"], all.Items.Select(i => i.Name()));
        Assert.Equal(["v2", "v", "again"], all.Items.Select(i => i["data"]!["k"]!.GetValue<string>()));
        Assert.Equal(["c1"], page.Items.Select(i => i.Name()));
        Assert.Equal(2, page.RemainingItemCount);
        Assert.Equal(["c3", "c4"], rest.Items.Select(i => i.Name()));
    }

    [Fact]
    public async Task List_PagingWithSelector_FillsPagesWithMatches()
    {
        await using var t = TempStore.Create();
        var ct = CancellationToken.None;
        for (var i = 0; i < 30; i++)
        {
            await t.Store.CreateAsync(Pods, Pod($"p{i:D2}", labels: new Dictionary<string, string> { ["even"] = (i % 2 == 0).ToString() }), ct);
        }

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await t.Store.ListAsync(Pods, "default", new ListOptions { Limit = 4, LabelSelector = "even=True", Continue = token }, ct);
            Assert.True(page.Items.Count <= 4);
            names.AddRange(page.Items.Select(i => i.Name()));
            token = page.Continue;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(Enumerable.Range(0, 15).Select(i => $"p{i * 2:D2}"), names);
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task List_ContinueAfterCompaction_Expired()
    {
        await using var t = TempStore.Create();
        var ct = CancellationToken.None;
        for (var i = 0; i < 5; i++)
        {
            await t.Store.CreateAsync(ConfigMaps, ConfigMap($"c{i}"), ct);
        }

        var first = await t.Store.ListAsync(ConfigMaps, null, new ListOptions { Limit = 2 }, ct);
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("later"), ct);
        await t.Store.CompactAsync(t.Store.CurrentRevision, ct);

        var e = await Assert.ThrowsAsync<StoreException>(() =>
            t.Store.ListAsync(ConfigMaps, null, new ListOptions { Limit = 2, Continue = first.Continue }, ct));
        Assert.Equal(StoreErrorReason.Expired, e.Reason);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("e30=")] // {}
    public async Task List_GarbageContinue_BadRequest(string token)
    {
        await using var t = TempStore.Create();
        var e = await Assert.ThrowsAsync<StoreException>(() =>
            t.Store.ListAsync(ConfigMaps, null, new ListOptions { Limit = 2, Continue = token }, CancellationToken.None));
        Assert.Equal(StoreErrorReason.BadRequest, e.Reason);
    }

    [Fact]
    public async Task List_AfterCompaction_StillShowsLatestState()
    {
        await using var t = TempStore.Create();
        var ct = CancellationToken.None;
        var a = await t.Store.CreateAsync(ConfigMaps, ConfigMap("a"), ct);
        await t.Store.UpdateAsync(ConfigMaps, a.With(o => o["data"]!["k"] = "2"), null, ct);
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("b"), ct);
        await t.Store.DeleteAsync(ConfigMaps, "default", "b", new DeleteOptions(), ct);
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("c"), ct);

        await t.Store.CompactAsync(t.Store.CurrentRevision, ct);
        await t.ReopenAsync();

        var list = await t.Store.ListAsync(ConfigMaps, null, new ListOptions(), ct);
        Assert.Equal("a,c", string.Join(',', list.Items.Select(i => i.Name())));
        Assert.Equal("2", list.Items[0]["data"]!["k"]!.GetValue<string>());
        // A deleted-and-compacted name can be created again.
        await t.Store.CreateAsync(ConfigMaps, ConfigMap("b"), ct);
    }
}
