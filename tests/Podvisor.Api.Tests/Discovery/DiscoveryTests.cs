using System.Net;
using System.Text.Json.Nodes;

namespace Podvisor.Api.Tests.Discovery;

public sealed class DiscoveryTests : IAsyncLifetime
{
    private const string KubectlAccept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Version_WithoutToken_AnswersMinor32()
    {
        using var anonymous = TestServer.CreateClient(_server.Server, token: null);
        var body = JsonNode.Parse(await anonymous.GetStringAsync("/version?timeout=5s"))!;
        Assert.Equal("1", body["major"]!.GetValue<string>());
        Assert.Equal("32", body["minor"]!.GetValue<string>());
        Assert.StartsWith("v1.32.", body["gitVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Api_KubectlAccept_AnswersAggregatedV2WithPodsAndSubresources()
    {
        var (code, body, response) = await _server.GetAsync("/api?timeout=32s", KubectlAccept);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", response.Content.Headers.ContentType!.ToString().Replace(" ", ""));
        Assert.Equal("apidiscovery.k8s.io/v2", body.Str("apiVersion"));
        var group = body["items"]![0]!;
        Assert.Null(group["metadata"]!["name"]);
        var pods = group["versions"]![0]!["resources"]!.AsArray().Single(r => r!.Str("resource") == "pods")!;
        Assert.Equal("Namespaced", pods.Str("scope"));
        Assert.Equal("po", pods["shortNames"]![0]!.GetValue<string>());
        Assert.Equal("all", pods["categories"]![0]!.GetValue<string>());
        var subresources = pods["subresources"]!.AsArray().Select(s => s!.Str("subresource")).ToList();
        Assert.Contains("status", subresources);
        Assert.Contains("exec", subresources);
        var namespaces = group["versions"]![0]!["resources"]!.AsArray().Single(r => r!.Str("resource") == "namespaces")!;
        Assert.Equal("Cluster", namespaces.Str("scope"));
    }

    [Fact]
    public async Task Apis_V2Beta1OnlyAccept_AnswersV2Beta1ContentType()
    {
        var (_, body, response) = await _server.GetAsync("/apis", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json");
        Assert.Contains("v=v2beta1", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("apidiscovery.k8s.io/v2beta1", body.Str("apiVersion"));
        var apps = body["items"]!.AsArray().Single(i => i!["metadata"]!["name"]?.GetValue<string>() == "apps")!;
        var deployments = apps["versions"]![0]!["resources"]!.AsArray().Single(r => r!.Str("resource") == "deployments")!;
        var scale = deployments["subresources"]!.AsArray().Single(s => s!.Str("subresource") == "scale")!;
        Assert.Equal("autoscaling", scale["responseKind"]!.Str("group"));
        Assert.Equal("Scale", scale["responseKind"]!.Str("kind"));
    }

    [Fact]
    public async Task Legacy_PlainJsonAccept_AnswersApiVersionsGroupListAndResourceLists()
    {
        var (_, versions, response) = await _server.GetAsync("/api", "application/json, */*");
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("APIVersions", versions.Str("kind"));

        var (_, groups, _) = await _server.GetAsync("/apis", "application/json");
        Assert.Equal("APIGroupList", groups.Str("kind"));
        Assert.Contains(groups["groups"]!.AsArray(), g => g!.Str("name") == "discovery.k8s.io");

        var (_, apps, _) = await _server.GetAsync("/apis/apps/v1");
        Assert.Equal("APIResourceList", apps.Str("kind"));
        var scale = apps["resources"]!.AsArray().Single(r => r!.Str("name") == "deployments/scale")!;
        Assert.Equal("autoscaling", scale.Str("group"));

        var (_, core, _) = await _server.GetAsync("/api/v1");
        Assert.Contains(core["resources"]!.AsArray(), r => r!.Str("name") == "pods/status");
    }

    [Fact]
    public async Task OpenApiV3_EveryKindHasPatchWithFieldValidation()
    {
        var (code, index, _) = await _server.GetAsync("/openapi/v3?timeout=32s");
        Assert.Equal(HttpStatusCode.OK, code);
        var url = index["paths"]!["api/v1"]!.Str("serverRelativeURL");
        Assert.Contains("?hash=", url);

        var (_, doc, response) = await _server.GetAsync(url);
        Assert.Contains("immutable", response.Headers.CacheControl!.ToString());
        var podPatch = doc["paths"]!["/api/v1/namespaces/{namespace}/pods/{name}"]!["patch"]!;
        Assert.Equal("Pod", podPatch["x-kubernetes-group-version-kind"]!.Str("kind"));
        Assert.Contains(podPatch["parameters"]!.AsArray(), p => p!.Str("name") == "fieldValidation");

        Assert.Equal(HttpStatusCode.OK, (await _server.GetAsync(index["paths"]!["apis/apps/v1"]!.Str("serverRelativeURL"))).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.GetAsync("/openapi/v2")).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.GetAsync("/openapi/v3/apis/nope/v1")).Code);
    }
}
