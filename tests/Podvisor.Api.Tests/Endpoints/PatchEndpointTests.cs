using System.Net;

namespace Podvisor.Api.Tests.Endpoints;

public sealed class PatchEndpointTests : IAsyncLifetime
{
    private TestServer _s = null!;

    public async Task InitializeAsync() => _s = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private const string PodPath = "/api/v1/namespaces/default/pods/web";

    [Fact]
    public async Task Patch_AllFourTypes_OverHttp()
    {
        Assert.Equal(HttpStatusCode.Created, (await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("web"))).Code);

        var (smp, smpBody, _) = await _s.SendAsync(HttpMethod.Patch, PodPath + "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
            """{"metadata":{"labels":{"tier":"fe"}},"spec":{"$setElementOrder/containers":[{"name":"main"}],"containers":[{"image":"busybox:2","name":"main"}]}}""",
            "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, smp);
        Assert.Equal("busybox:2", smpBody["spec"]!["containers"]![0]!.Str("image"));
        Assert.Equal(80, smpBody["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!.GetValue<int>());
        Assert.Equal("web", smpBody.Str("metadata", "labels", "app"));

        var (merge, mergeBody, _) = await _s.SendAsync(HttpMethod.Patch, PodPath, """{"metadata":{"labels":{"tier":null}}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, merge);
        Assert.Null(mergeBody["metadata"]!["labels"]!["tier"]);

        var (json, jsonBody, _) = await _s.SendAsync(HttpMethod.Patch, PodPath,
            """[{"op":"add","path":"/metadata/annotations","value":{"a":"b"}}]""", "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, json);
        Assert.Equal("b", jsonBody.Str("metadata", "annotations", "a"));

        var (failed, failedBody, _) = await _s.SendAsync(HttpMethod.Patch, PodPath,
            """[{"op":"test","path":"/metadata/name","value":"other"}]""", "application/json-patch+json");
        Assert.Equal((HttpStatusCode)422, failed);
        Assert.Equal("Invalid", failedBody.Str("reason"));

        var (rename, _, _) = await _s.SendAsync(HttpMethod.Patch, PodPath, """{"metadata":{"name":"other"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.BadRequest, rename);

        var (missing, _, _) = await _s.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/pods/nope", "{}", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.NotFound, missing);

        var (unsupported, _, _) = await _s.SendAsync(HttpMethod.Patch, PodPath, "{}", "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported);
    }

    [Fact]
    public async Task Apply_CreatesWhenMissing_ThenMerges()
    {
        var manifest = Manifests.Pod("ssa");
        var (created, createdBody, _) = await _s.SendAsync(HttpMethod.Patch,
            "/api/v1/namespaces/default/pods/ssa?fieldManager=kubectl&fieldValidation=Strict&force=false", manifest, "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("default", createdBody.Str("metadata", "namespace"));

        var yaml = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: ssa
              labels:
                tier: "1"
            """;
        var (updated, updatedBody, _) = await _s.SendAsync(HttpMethod.Patch,
            "/api/v1/namespaces/default/pods/ssa?fieldManager=kubectl&force=true", yaml, "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal("1", updatedBody.Str("metadata", "labels", "tier"));
        Assert.Equal("web", updatedBody.Str("metadata", "labels", "app"));
        Assert.Equal(createdBody.Str("metadata", "uid"), updatedBody.Str("metadata", "uid"));

        var (noManager, _, _) = await _s.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/pods/ssa", yaml, "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.BadRequest, noManager);
    }

    [Fact]
    public async Task Scale_GetPatchAndPutWithoutContentType()
    {
        Assert.Equal(HttpStatusCode.Created, (await _s.PostAsync("/apis/apps/v1/namespaces/default/deployments", Manifests.Deployment("web", 2))).Code);

        var (code, scale, _) = await _s.GetAsync("/apis/apps/v1/namespaces/default/deployments/web/scale");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Scale", scale.Str("kind"));
        Assert.Equal("autoscaling/v1", scale.Str("apiVersion"));
        Assert.Equal(2, scale["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("app=web", scale.Str("status", "selector"));

        var (patched, patchedScale, _) = await _s.SendAsync(HttpMethod.Patch, "/apis/apps/v1/namespaces/default/deployments/web/scale",
            """{"spec":{"replicas":3}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.Equal(3, patchedScale["spec"]!["replicas"]!.GetValue<int>());

        // kubectl scale --current-replicas sends PUT without a Content-Type.
        var rv = patchedScale.Str("metadata", "resourceVersion");
        var put = "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"resourceVersion\":\"" + rv + "\"},\"spec\":{\"replicas\":4}}";
        using var request = new HttpRequestMessage(HttpMethod.Put, "/apis/apps/v1/namespaces/default/deployments/web/scale") { Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(put)) };
        using var response = await _s.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var (_, deployment, _) = await _s.GetAsync("/apis/apps/v1/namespaces/default/deployments/web");
        Assert.Equal(4, deployment["spec"]!["replicas"]!.GetValue<int>());

        using var stale = new HttpRequestMessage(HttpMethod.Put, "/apis/apps/v1/namespaces/default/deployments/web/scale") { Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(put)) };
        Assert.Equal(HttpStatusCode.Conflict, (await _s.Client.SendAsync(stale)).StatusCode);
    }
}
