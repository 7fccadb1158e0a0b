using System.Net;
using System.Text.Json.Nodes;

namespace Podvisor.Api.Tests.Endpoints;

public sealed class CrudTests : IAsyncLifetime
{
    private TestServer _s = null!;

    public async Task InitializeAsync() => _s = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task Create_Get_CreateAgain_IsCreatedThenAlreadyExists()
    {
        var (code, created, _) = await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("web"));
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.False(string.IsNullOrEmpty(created.Str("metadata", "uid")));
        Assert.False(string.IsNullOrEmpty(created.Str("metadata", "resourceVersion")));
        Assert.Equal("Pending", created.Str("status", "phase"));

        var (getCode, got, _) = await _s.GetAsync("/api/v1/namespaces/default/pods/web");
        Assert.Equal(HttpStatusCode.OK, getCode);
        Assert.Equal("Pod", got.Str("kind"));
        Assert.Equal(created.Str("metadata", "uid"), got.Str("metadata", "uid"));

        var (again, status, _) = await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("web"));
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal("AlreadyExists", status.Str("reason"));
        Assert.Equal("pods \"web\" already exists", status.Str("message"));
        Assert.Equal(409, status["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Create_NamespaceFromPath_FillsMissingAndRejectsMismatch()
    {
        var body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"a":"b"}}""";
        var (code, created, _) = await _s.PostAsync("/api/v1/namespaces/kube-system/configmaps", body);
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("kube-system", created.Str("metadata", "namespace"));

        var (mismatch, status, _) = await _s.PostAsync("/api/v1/namespaces/default/configmaps", Manifests.ConfigMap("c2", "kube-system"));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
        Assert.Contains("does not match the namespace", status.Str("message"));

        var (missing, notFound, _) = await _s.PostAsync("/api/v1/namespaces/nope/configmaps", Manifests.ConfigMap("c3", "nope"));
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("namespaces \"nope\" not found", notFound.Str("message"));
    }

    [Fact]
    public async Task Create_InvalidName_Is422WithCauses()
    {
        var (code, status, _) = await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("Bad_Name"));
        Assert.Equal((HttpStatusCode)422, code);
        Assert.Equal("Invalid", status.Str("reason"));
        Assert.StartsWith("Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"", status.Str("message"));
        var cause = status["details"]!["causes"]![0]!;
        Assert.Equal("FieldValueInvalid", cause.Str("reason"));
        Assert.Equal("metadata.name", cause.Str("field"));
        Assert.Equal("Pod", status["details"]!.Str("kind"));
    }

    [Fact]
    public async Task Create_UnknownField_StrictRejectsWarnWarns()
    {
        var body = Manifests.Pod("strict", extra: ""","bogusField":1""");
        var (code, status, _) = await _s.PostAsync("/api/v1/namespaces/default/pods?fieldValidation=Strict", body);
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"bogusField\"", status.Str("message"));

        var (warnCode, _, response) = await _s.PostAsync("/api/v1/namespaces/default/pods?fieldValidation=Warn", body);
        Assert.Equal(HttpStatusCode.Created, warnCode);
        Assert.Contains("299 - \"unknown field \\\"bogusField\\\"\"", response.Headers.GetValues("Warning"));
    }

    [Fact]
    public async Task List_LabelFieldSelectorsAndPaging()
    {
        await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("a1", labels: """{"app":"a"}"""));
        await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("a2", labels: """{"app":"a"}"""));
        await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("b1", labels: """{"app":"b"}"""));
        await _s.PostAsync("/api/v1/namespaces/kube-system/pods", Manifests.Pod("k1", "kube-system"));

        var (_, byLabel, _) = await _s.GetAsync("/api/v1/namespaces/default/pods?labelSelector=app%3Da");
        Assert.Equal("PodList", byLabel.Str("kind"));
        Assert.Equal(["a1", "a2"], Names(byLabel));
        Assert.False(string.IsNullOrEmpty(byLabel.Str("metadata", "resourceVersion")));

        var (_, byField, _) = await _s.GetAsync("/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Db1");
        Assert.Equal(["b1"], Names(byField));

        var (_, all, _) = await _s.GetAsync("/api/v1/pods");
        Assert.Equal(["a1", "a2", "b1", "k1"], Names(all).Order());

        var (_, page1, _) = await _s.GetAsync("/api/v1/namespaces/default/pods?limit=2");
        Assert.Equal(2, Names(page1).Count);
        var token = page1.Str("metadata", "continue");
        var (_, page2, _) = await _s.GetAsync($"/api/v1/namespaces/default/pods?limit=2&continue={Uri.EscapeDataString(token)}");
        Assert.Equal(["a1", "a2", "b1"], Names(page1).Concat(Names(page2)).Order());
    }

    [Fact]
    public async Task List_LargerThanAnyBuffer_StreamsEveryItem_OneObjectHasContentLength()
    {
        // ~300 pods with 2 KiB of annotations each: a 0.6 MiB list (and table), written chunked from the objects.
        var padding = new string('x', 2048);
        for (var i = 0; i < 300; i++)
        {
            var pod = $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p{{{i:D3}}}","annotations":{"pad":"{{{padding}}}"}},"spec":{"containers":[{"name":"main","image":"busybox"}]}}""";
            var (code, _, _) = await _s.PostAsync("/api/v1/namespaces/default/pods", pod);
            Assert.Equal(HttpStatusCode.Created, code);
        }

        var (listCode, list, listResponse) = await _s.GetAsync("/api/v1/namespaces/default/pods");
        var (tableCode, table, _) = await _s.GetAsync("/api/v1/namespaces/default/pods", "application/json;as=Table;v=v1;g=meta.k8s.io");
        var (getCode, _, getResponse) = await _s.GetAsync("/api/v1/namespaces/default/pods/p123");

        Assert.Equal(HttpStatusCode.OK, listCode);
        Assert.Equal("PodList", list.Str("kind"));
        var items = list["items"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"p{i:D3}"), items.Select(p => p.Str("metadata", "name")));
        Assert.All(items, p => Assert.Equal(("v1", "Pod", padding), (p.Str("apiVersion"), p.Str("kind"), p.Str("metadata", "annotations", "pad"))));
        Assert.True(listResponse.Headers.TransferEncodingChunked);
        Assert.Equal(HttpStatusCode.OK, tableCode);
        var rows = table["rows"]!.AsArray();
        Assert.Equal(300, rows.Count);
        Assert.Equal("p299", rows[299]!["cells"]![0]!.GetValue<string>());
        Assert.Equal("p299", rows[299].Str("object", "metadata", "name"));
        Assert.Equal(HttpStatusCode.OK, getCode);
        Assert.NotEqual(true, getResponse.Headers.TransferEncodingChunked);
        Assert.True(getResponse.Content.Headers.ContentLength > 2048);
    }

    [Fact]
    public async Task Put_StaleResourceVersion_IsConflict_FreshOneUpdates()
    {
        var (_, created, _) = await _s.PostAsync("/api/v1/namespaces/default/configmaps", Manifests.ConfigMap("cm"));
        var update = (JsonObject)created.DeepClone();
        update["data"] = new JsonObject { ["k"] = "v2" };
        var (ok, updated, _) = await _s.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/cm", update.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("v2", updated.Str("data", "k"));

        var (stale, status, _) = await _s.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/cm", update.ToJsonString());
        Assert.Equal(HttpStatusCode.Conflict, stale);
        Assert.Equal("Conflict", status.Str("reason"));
        Assert.Contains("the object has been modified", status.Str("message"));

        var (wrongName, _, _) = await _s.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/other", update.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, wrongName);
    }

    [Fact]
    public async Task Status_PutUpdatesOnlyStatus_PlainPutKeepsStatus()
    {
        var (_, created, _) = await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("st"));
        var withStatus = (JsonObject)created.DeepClone();
        withStatus["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = "10.0.0.5" };
        withStatus["metadata"]!["labels"] = new JsonObject { ["ignored"] = "yes" };
        var (code, updated, _) = await _s.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/pods/st/status", withStatus.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Running", updated.Str("status", "phase"));
        Assert.Null(updated["metadata"]!["labels"]!["ignored"]);

        var (_, got, _) = await _s.GetAsync("/api/v1/namespaces/default/pods/st/status");
        Assert.Equal("10.0.0.5", got.Str("status", "podIP"));
    }

    [Fact]
    public async Task Delete_ReturnsObject_ThenNotFound()
    {
        await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("gone"));
        var (code, deleted, _) = await _s.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/pods/gone", """{"propagationPolicy":"Background"}""");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("gone", deleted.Str("metadata", "name"));
        Assert.False(string.IsNullOrEmpty(deleted.Str("metadata", "uid")));

        var (after, status, _) = await _s.GetAsync("/api/v1/namespaces/default/pods/gone");
        Assert.Equal(HttpStatusCode.NotFound, after);
        Assert.Equal("pods \"gone\" not found", status.Str("message"));
        Assert.Equal(HttpStatusCode.NotFound, (await _s.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/pods/gone")).Code);
    }

    [Fact]
    public async Task Delete_ScheduledPod_IsGracefulUntilForced()
    {
        var body = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"graceful"},"spec":{"nodeName":"node-1","terminationGracePeriodSeconds":30,"containers":[{"name":"c","image":"x"}]}}""";
        Assert.Equal(HttpStatusCode.Created, (await _s.PostAsync("/api/v1/namespaces/default/pods", body)).Code);

        var (code, marked, _) = await _s.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/pods/graceful");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.False(string.IsNullOrEmpty(marked.Str("metadata", "deletionTimestamp")));
        Assert.Equal(HttpStatusCode.OK, (await _s.GetAsync("/api/v1/namespaces/default/pods/graceful")).Code);

        var (_, table, _) = await _s.GetAsync("/api/v1/namespaces/default/pods/graceful", "application/json;as=Table;v=v1;g=meta.k8s.io");
        Assert.Equal("Terminating", table["rows"]![0]!["cells"]![2]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/pods/graceful?gracePeriodSeconds=0")).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await _s.GetAsync("/api/v1/namespaces/default/pods/graceful")).Code);
    }

    [Fact]
    public async Task DryRun_ValidatesWithoutStoring()
    {
        var (code, obj, _) = await _s.PostAsync("/api/v1/namespaces/default/configmaps?dryRun=All", Manifests.ConfigMap("dry"));
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("dry", obj.Str("metadata", "name"));
        Assert.Equal(HttpStatusCode.NotFound, (await _s.GetAsync("/api/v1/namespaces/default/configmaps/dry")).Code);
    }

    [Fact]
    public async Task DeleteCollection_BySelector_DeletesOnlyMatches()
    {
        await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("x1", labels: """{"app":"x"}"""));
        await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("y1", labels: """{"app":"y"}"""));
        var (code, _, _) = await _s.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/pods?labelSelector=app%3Dx");
        Assert.Equal(HttpStatusCode.OK, code);
        var (_, list, _) = await _s.GetAsync("/api/v1/namespaces/default/pods");
        Assert.Equal(["y1"], Names(list));
    }

    [Fact]
    public async Task Errors_UnknownPathsMethodsAndMediaTypes()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _s.GetAsync("/api/v1/namespaces/default/widgets")).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await _s.GetAsync("/apis/nope/v1")).Code);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _s.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/pods", "{}")).Code);
        // A protobuf envelope of a kind the decoder does not cover: typeMeta {apiVersion "v1", kind "Event"}.
        var (protobuf, status, _) = await _s.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", "k8s\0\n\u000b\n\u0002v1\u0012\u0005Event", "application/vnd.kubernetes.protobuf");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, protobuf);
        Assert.Equal("UnsupportedMediaType", status.Str("reason"));
    }

    [Fact]
    public async Task Body_Over3MiB_Is413()
    {
        var big = Manifests.ConfigMap("big").Replace("\"k\":\"v\"", $"\"k\":\"{new string('x', 3 * 1024 * 1024 + 10)}\"", StringComparison.Ordinal);
        var (code, status, _) = await _s.PostAsync("/api/v1/namespaces/default/configmaps", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, code);
        Assert.Equal("RequestEntityTooLarge", status.Str("reason"));
    }

    [Fact]
    public async Task SystemNamespaces_ExistAtStart_AsTable()
    {
        var (_, table, response) = await _s.GetAsync("/api/v1/namespaces", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        Assert.Equal("application/json;as=Table;v=v1;g=meta.k8s.io", response.Content.Headers.ContentType!.ToString().Replace(" ", ""));
        var rows = table["rows"]!.AsArray().Select(r => r!["cells"]![0]!.GetValue<string>()).ToList();
        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], rows.Order());
        Assert.Equal("Active", table["rows"]![0]!["cells"]![1]!.GetValue<string>());
        Assert.Equal("PartialObjectMetadata", table["rows"]![0]!["object"]!.Str("kind"));
    }

    internal static List<string> Names(JsonObject list) =>
        list["items"]!.AsArray().Select(i => i!.Str("metadata", "name")).ToList();
}
