using System.Net;
using System.Text.Json.Nodes;

namespace Podvisor.Api.Tests.Watch;

public sealed class WatchTests : IAsyncLifetime
{
    private TestServer _s = null!;

    public async Task InitializeAsync() => _s = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private async Task<(HttpResponseMessage Response, StreamReader Reader)> OpenAsync(string path, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await _s.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Deadline());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    private static async Task<JsonObject> NextAsync(StreamReader reader)
    {
        var line = await reader.ReadLineAsync(Deadline()) ?? throw new InvalidOperationException("stream ended");
        return JsonNode.Parse(line)!.AsObject();
    }

    [Fact]
    public async Task Watch_FromListResourceVersion_StreamsOnlyLaterChanges()
    {
        await _s.PostAsync("/api/v1/namespaces/default/configmaps", Manifests.ConfigMap("before"));
        var (_, list, _) = await _s.GetAsync("/api/v1/namespaces/default/configmaps");
        var rv = list.Str("metadata", "resourceVersion");

        var (response, reader) = await OpenAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}");
        using (response)
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            await _s.PostAsync("/api/v1/namespaces/default/configmaps", Manifests.ConfigMap("after"));
            await _s.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/after", """{"data":{"k":"v2"}}""", "application/merge-patch+json");
            await _s.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/after");

            var added = await NextAsync(reader);
            Assert.Equal("ADDED", added.Str("type"));
            Assert.Equal("after", added["object"]!.Str("metadata", "name"));
            Assert.Equal("ConfigMap", added["object"]!.Str("kind"));
            var modified = await NextAsync(reader);
            Assert.Equal("MODIFIED", modified.Str("type"));
            Assert.Equal("v2", modified["object"]!.Str("data", "k"));
            var deleted = await NextAsync(reader);
            Assert.Equal("DELETED", deleted.Str("type"));
            Assert.Equal(added["object"]!.Str("metadata", "uid"), deleted["object"]!.Str("metadata", "uid"));
        }
    }

    [Fact]
    public async Task Watch_TableAccept_EventsAreOneRowTables_FieldSelectorFilters()
    {
        var (response, reader) = await OpenAsync(
            "/api/v1/namespaces/default/pods?watch=true&fieldSelector=metadata.name%3Dwanted",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        using (response)
        {
            Assert.Contains("as=Table", response.Content.Headers.ContentType!.ToString());
            await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("ignored"));
            await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("wanted"));
            await _s.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/pods/wanted", """{"metadata":{"labels":{"x":"y"}}}""", "application/merge-patch+json");

            var first = await NextAsync(reader);
            Assert.Equal("ADDED", first.Str("type"));
            Assert.Equal("Table", first["object"]!.Str("kind"));
            Assert.Equal(9, first["object"]!["columnDefinitions"]!.AsArray().Count);
            var row = first["object"]!["rows"]!.AsArray().Single()!;
            Assert.Equal("wanted", row["cells"]![0]!.GetValue<string>());
            Assert.Equal("Pending", row["cells"]![2]!.GetValue<string>());

            var second = await NextAsync(reader);
            Assert.Equal("MODIFIED", second.Str("type"));
            Assert.Empty(second["object"]!["columnDefinitions"]!.AsArray());
            Assert.Equal("wanted", second["object"]!["rows"]![0]!["cells"]![0]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Watch_ResourceVersionZero_SendsCurrentObjectsFirst_AndTimeoutEndsStream()
    {
        await _s.PostAsync("/api/v1/namespaces/default/configmaps", Manifests.ConfigMap("existing"));
        var (response, reader) = await OpenAsync("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0&timeoutSeconds=1");
        using (response)
        {
            var first = await NextAsync(reader);
            Assert.Equal("ADDED", first.Str("type"));
            Assert.Equal("existing", first["object"]!.Str("metadata", "name"));
            Assert.Null(await reader.ReadLineAsync(Deadline()));
        }
    }

    [Fact]
    public async Task Watch_ServerStop_EndsStreamCleanly()
    {
        var (response, reader) = await OpenAsync("/api/v1/watch/namespaces/default/configmaps");
        using (response)
        {
            await _s.Server.StopAsync(Deadline());
            Assert.Null(await reader.ReadLineAsync(Deadline()));
        }
    }
}
