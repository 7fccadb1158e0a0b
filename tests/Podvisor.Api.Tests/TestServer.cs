using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Podvisor.Store;
using Podvisor.Testing.Http;

namespace Podvisor.Api.Tests;

/// <summary>A real API server on 127.0.0.1 (free port) over a real SQLite store in its own temp directory.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly bool _ownsDir;

    private TestServer(string dir, bool ownsDir, IResourceStore store, ApiServer server)
    {
        _ownsDir = ownsDir;
        Dir = dir;
        Store = store;
        Server = server;
        Client = CreateClient(server, token: server.Token);
    }

    public string Dir { get; }

    public IResourceStore Store { get; }

    public ApiServer Server { get; }

    /// <summary>Trusts the server's CA and sends the bearer token.</summary>
    public HttpClient Client { get; }

    public static async Task<TestServer> StartAsync(string? dir = null, TimeProvider? time = null)
    {
        var ownsDir = dir is null;
        dir ??= NewDir();
        time ??= TimeProvider.System;
        var store = await SqliteResourceStore.OpenAsync(dir, time, null, null, CancellationToken.None);
        var server = await ApiServerHost.StartAsync(new ApiServerOptions { DataDir = dir, Listen = "127.0.0.1:0", Store = store, TimeProvider = time }, CancellationToken.None);
        return new TestServer(dir, ownsDir, store, server);
    }

    public static string NewDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "podvisor-api-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static HttpClient CreateClient(ApiServer server, string? token)
    {
        var handler = CaTrust.Handler(server.CaPem);
        var client = new HttpClient(handler) { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task<(HttpStatusCode Code, JsonObject Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonNode.Parse(text)!.AsObject() : new JsonObject { ["text"] = text };
        return (response.StatusCode, json, response);
    }

    public Task<(HttpStatusCode Code, JsonObject Body, HttpResponseMessage Response)> GetAsync(string path, string? accept = null) =>
        SendAsync(HttpMethod.Get, path, accept: accept);

    public Task<(HttpStatusCode Code, JsonObject Body, HttpResponseMessage Response)> PostAsync(string path, string body) =>
        SendAsync(HttpMethod.Post, path, body);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await Store.DisposeAsync();
        if (!_ownsDir)
        {
            return;
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Manifests
{
    public static string Pod(string name, string ns = "default", string labels = """{"app":"web"}""", string extra = "") =>
        $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{{{labels}}}},"spec":{"containers":[{"name":"main","image":"busybox","ports":[{"containerPort":80}]}]}{{{extra}}}}""";

    public static string ConfigMap(string name, string ns = "default") =>
        $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},"data":{"k":"v"}}""";

    public static string Deployment(string name, int replicas = 1) =>
        $$$$$"""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"{{{{{name}}}}}"},"spec":{"replicas":{{{{{replicas}}}}},"selector":{"matchLabels":{"app":"{{{{{name}}}}}"}},"template":{"metadata":{"labels":{"app":"{{{{{name}}}}}"}},"spec":{"containers":[{"name":"main","image":"nginx"}]}}}}""";

    public static string Str(this JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = node?[p];
        }

        return node?.GetValue<string>() ?? throw new InvalidOperationException($"missing {string.Join('.', path)}");
    }
}
