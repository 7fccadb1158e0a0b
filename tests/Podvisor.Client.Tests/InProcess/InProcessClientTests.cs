using System.Text.Json.Nodes;
using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Store;
using DeleteOptions = Podvisor.Model.Meta.DeleteOptions;

namespace Podvisor.Client.Tests.InProcess;

public sealed class InProcessClientTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Create_NewPod_FillsMetadataAndTypeHeader()
    {
        await using var c = await TempCluster.StartAsync();

        var created = await c.Client.Pods.CreateAsync(TempCluster.NewPod("a") with { ApiVersion = null, Kind = null }, Ct);

        Assert.Equal("v1", created.ApiVersion);
        Assert.Equal("Pod", created.Kind);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.False(string.IsNullOrEmpty(created.Metadata.ResourceVersion));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        var stored = await c.Store.GetAsync(KnownResourceTypes.Pods, "default", "a", Ct);
        Assert.Equal("Pod", (string?)stored!["kind"]);
        Assert.Equal("v1", (string?)stored["apiVersion"]);
    }

    [Fact]
    public async Task Create_WithoutNamespace_GoesToDefault()
    {
        await using var c = await TempCluster.StartAsync();

        var created = await c.Client.ConfigMaps.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cm" } }, Ct);

        Assert.Equal("default", created.Metadata.Namespace);
        Assert.NotNull(await c.Client.ConfigMaps.GetAsync("default", "cm", Ct));
    }

    [Fact]
    public async Task Create_Twice_ThrowsAlreadyExists409()
    {
        await using var c = await TempCluster.StartAsync();
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("a"), Ct);

        var e = await Assert.ThrowsAsync<ApiException>(() => c.Client.Pods.CreateAsync(TempCluster.NewPod("a"), Ct));

        Assert.True(e.IsAlreadyExists);
        Assert.Equal(409, e.Code);
    }

    [Fact]
    public async Task Get_Absent_ReturnsNull()
    {
        await using var c = await TempCluster.StartAsync();

        Assert.Null(await c.Client.Pods.GetAsync("default", "missing", Ct));
    }

    [Fact]
    public async Task Update_StaleResourceVersion_ThrowsConflict409()
    {
        await using var c = await TempCluster.StartAsync();
        var v1 = await c.Client.Pods.CreateAsync(TempCluster.NewPod("a"), Ct);
        await c.Client.Pods.UpdateAsync(v1 with { Metadata = v1.Metadata with { Labels = new Dictionary<string, string> { ["x"] = "1" } } }, Ct);

        var e = await Assert.ThrowsAsync<ApiException>(() =>
            c.Client.Pods.UpdateAsync(v1 with { Metadata = v1.Metadata with { Labels = new Dictionary<string, string> { ["x"] = "2" } } }, Ct));

        Assert.True(e.IsConflict);
        Assert.Equal(409, e.Code);
        Assert.Equal("1", (await c.Client.Pods.GetAsync("default", "a", Ct))!.Metadata.Labels!["x"]);
    }

    [Fact]
    public async Task Update_Absent_ThrowsNotFound404()
    {
        await using var c = await TempCluster.StartAsync();

        var e = await Assert.ThrowsAsync<ApiException>(() => c.Client.Pods.UpdateAsync(TempCluster.NewPod("ghost"), Ct));

        Assert.True(e.IsNotFound);
        Assert.Equal(404, e.Code);
    }

    [Fact]
    public async Task UpdateStatus_ChangesStatusOnly_PlainUpdateKeepsStatus()
    {
        await using var c = await TempCluster.StartAsync();
        var pod = await c.Client.Pods.CreateAsync(TempCluster.NewPod("a"), Ct);

        var withStatus = await c.Client.Pods.UpdateStatusAsync(
            pod with
            {
                Status = new PodStatus { Phase = "Running" },
                Metadata = pod.Metadata with { Labels = new Dictionary<string, string> { ["ignored"] = "yes" } },
            },
            Ct);
        var afterPlain = await c.Client.Pods.UpdateAsync(withStatus with { Status = new PodStatus { Phase = "Failed" } }, Ct);

        Assert.Equal("Running", withStatus.Status!.Phase);
        Assert.False(withStatus.Metadata.Labels?.ContainsKey("ignored") ?? false);
        Assert.Equal("Running", afterPlain.Status!.Phase);
    }

    [Fact]
    public async Task List_WithSelectors_FiltersAndReportsRevision()
    {
        await using var c = await TempCluster.StartAsync();
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("a", nodeName: "n1"), Ct);
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("b", nodeName: "n2"), Ct);
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("c", ns: "other", nodeName: "n1"), Ct);

        var all = await c.Client.Pods.ListAsync(null, null, Ct);
        var onN1 = await c.Client.Pods.ListAsync(null, new ClientListOptions { FieldSelector = "spec.nodeName=n1" }, Ct);
        var inDefault = await c.Client.Pods.ListAsync("default", new ClientListOptions { LabelSelector = "app=test" }, Ct);

        Assert.Equal(3, all.Items.Count);
        Assert.Equal(["a", "c"], onN1.Items.Select(p => p.Metadata.Name).Order());
        Assert.Equal(["a", "b"], inDefault.Items.Select(p => p.Metadata.Name).Order());
        Assert.Equal(c.Store.CurrentRevision.ToString(System.Globalization.CultureInfo.InvariantCulture), all.ResourceVersion);
    }

    [Fact]
    public async Task Delete_Pod_IsGracefulThenGoneWithZeroGrace()
    {
        await using var c = await TempCluster.StartAsync();
        await c.Client.Pods.CreateAsync(TempCluster.NewPod("a"), Ct);

        var marked = await c.Client.Pods.DeleteAsync("default", "a", null, Ct);
        var gone = await c.Client.Pods.DeleteAsync("default", "a", new DeleteOptions { GracePeriodSeconds = 0 }, Ct);

        Assert.NotNull(marked!.Metadata.DeletionTimestamp);
        Assert.NotNull(gone);
        Assert.Null(await c.Client.Pods.GetAsync("default", "a", Ct));
        Assert.Null(await c.Client.Pods.DeleteAsync("default", "a", null, Ct));
    }

    [Fact]
    public async Task Delete_StaleUidPrecondition_ThrowsConflict()
    {
        await using var c = await TempCluster.StartAsync();
        await c.Client.ConfigMaps.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cm", Namespace = "default" } }, Ct);

        var e = await Assert.ThrowsAsync<ApiException>(() => c.Client.ConfigMaps.DeleteAsync(
            "default", "cm", new DeleteOptions { Preconditions = new Preconditions { Uid = "not-the-uid" } }, Ct));

        Assert.True(e.IsConflict);
        Assert.NotNull(await c.Client.ConfigMaps.GetAsync("default", "cm", Ct));
    }

    [Fact]
    public async Task Watch_FromRevision_MapsAddModifyDelete()
    {
        await using var c = await TempCluster.StartAsync();
        var start = (await c.Client.ConfigMaps.ListAsync("default", null, Ct)).ResourceVersion;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        var events = new List<ResourceEvent<ConfigMap>>();
        var watching = Task.Run(
            async () =>
            {
                await foreach (var e in c.Client.ConfigMaps.WatchAsync("default", new ClientWatchOptions { ResourceVersion = start }, cts.Token))
                {
                    events.Add(e);
                    if (events.Count == 3)
                    {
                        return;
                    }
                }
            },
            cts.Token);

        var created = await c.Client.ConfigMaps.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cm", Namespace = "default" } }, Ct);
        var updated = await c.Client.ConfigMaps.UpdateAsync(created with { Data = new Dictionary<string, string> { ["k"] = "v" } }, Ct);
        await c.Client.ConfigMaps.DeleteAsync("default", "cm", null, Ct);
        await watching;

        Assert.Equal([ResourceEventType.Added, ResourceEventType.Modified, ResourceEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal(created.Metadata.ResourceVersion, events[0].Object.Metadata.ResourceVersion);
        Assert.Equal(updated.Metadata.ResourceVersion, events[1].Object.Metadata.ResourceVersion);
        Assert.Equal("v", events[2].Object.Data!["k"]);
        Assert.Equal("ConfigMap", events[0].Object.Kind);
    }

    [Fact]
    public async Task Watch_WatcherFallsBehind_ThrowsExpired410()
    {
        await using var c = await TempCluster.StartAsync(new StoreOptions { WatchQueueCapacity = 2 });
        var start = (await c.Client.ConfigMaps.ListAsync("default", null, Ct)).ResourceVersion;
        await using var watch = c.Client.ConfigMaps.WatchAsync("default", new ClientWatchOptions { ResourceVersion = start }, Ct).GetAsyncEnumerator(Ct);

        // Subscribe (first MoveNext) and then leave the stream unread while far more changes arrive than it may queue.
        var first = watch.MoveNextAsync();
        for (var i = 0; i < 20; i++)
        {
            await c.Client.ConfigMaps.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = $"cm{i}", Namespace = "default" } }, Ct);
        }

        var e = await Assert.ThrowsAsync<ApiException>(async () =>
        {
            if (!await first)
            {
                return;
            }

            while (await watch.MoveNextAsync())
            {
            }
        });
        Assert.Equal("Expired", e.Reason);
        Assert.Equal(410, e.Code);
    }

    [Fact]
    public async Task Admission_DefaultsAppliedAndInvalidRejected_NothingStoredOnReject()
    {
        var admission = new LabelAdmission();
        await using var c = await TempCluster.StartAsync(admission: admission);
        var pod = TempCluster.NewPod("a");

        var created = await c.Client.Pods.CreateAsync(pod, Ct);
        var e = await Assert.ThrowsAsync<ApiException>(() => c.Client.Pods.CreateAsync(TempCluster.NewPod("bad"), Ct));

        Assert.Equal("yes", created.Metadata.Labels!["defaulted"]);
        Assert.False(pod.Metadata.Labels!.ContainsKey("defaulted"));
        Assert.Equal("Invalid", e.Reason);
        Assert.Equal(422, e.Code);
        Assert.Null(await c.Client.Pods.GetAsync("default", "bad", Ct));
        Assert.Equal([AdmissionOperation.Create, AdmissionOperation.Create], admission.Seen);
    }

    private sealed class LabelAdmission : IClientAdmission
    {
        public List<AdmissionOperation> Seen { get; } = [];

        public JsonObject Default(ResourceType type, AdmissionOperation operation, JsonObject obj)
        {
            Seen.Add(operation);
            var meta = obj["metadata"]!.AsObject();
            if (meta["labels"] is not JsonObject labels)
            {
                labels = [];
                meta["labels"] = labels;
            }

            labels["defaulted"] = "yes";
            return obj;
        }

        public void Validate(ResourceType type, AdmissionOperation operation, JsonObject obj, JsonObject? old)
        {
            if ((string?)obj["metadata"]!["name"] == "bad")
            {
                throw ApiErrors.InvalidObject(type.Kind, "bad", ["metadata.name: Invalid value: \"bad\""]);
            }
        }
    }
}
