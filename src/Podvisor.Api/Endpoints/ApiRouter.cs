using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Podvisor.Api.Discovery;
using Podvisor.Api.Watch;
using Podvisor.Store;

namespace Podvisor.Api.Endpoints;

/// <summary>
/// Routes every request: health, version, discovery, OpenAPI, then resource URLs by verb. Each failure becomes a Status;
/// nothing a client sends can produce a 500 except a bug, which is logged.
/// </summary>
internal sealed class ApiRouter(ApiContext api, NamespaceTerminator terminator)
{
    private readonly OpenApiDocuments _openApi = new(api.Registry);

    public async Task HandleAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        try
        {
            await DispatchAsync(http, ct);
        }
        catch (ApiError e) when (!http.Response.HasStarted)
        {
            await Responses.WriteStatusAsync(http, e);
        }
        catch (StoreException e) when (!http.Response.HasStarted)
        {
            await Responses.WriteStatusAsync(http, new ApiError(e.Reason switch
            {
                StoreErrorReason.NotFound => 404,
                StoreErrorReason.AlreadyExists or StoreErrorReason.Conflict => 409,
                StoreErrorReason.Expired => 410,
                StoreErrorReason.Invalid => 422,
                _ => 400,
            }, e.Reason == StoreErrorReason.Expired ? "Expired" : e.Reason.ToString(), e.Message));
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            await Responses.WriteStatusAsync(http, e.StatusCode == 413
                ? new ApiError(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728")
                : ApiError.BadRequest(e.Message));
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionResetException or IOException && ct.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            api.Logger.LogError(e, "Unhandled error serving {Method} {Path}", http.Request.Method, http.Request.Path);
            await Responses.WriteStatusAsync(http, new ApiError(500, "InternalError", $"Internal error occurred: {e.Message}"));
        }
    }

    private async Task DispatchAsync(HttpContext http, CancellationToken ct)
    {
        var path = http.Request.Path.Value ?? "/";
        if (path.Length > 1)
        {
            path = path.TrimEnd('/');
        }

        var method = http.Request.Method;
        switch (path)
        {
            case "/livez" or "/readyz" or "/healthz":
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync("ok", ct);
                return;
            case "/version":
                await Responses.WriteAsync(http, 200, VersionInfo.Json());
                return;
            case "/api":
                await DiscoveryAsync(http, core: true);
                return;
            case "/apis":
                await DiscoveryAsync(http, core: false);
                return;
            case "/openapi/v3":
                http.Response.Headers.CacheControl = "no-cache, private";
                await WriteTextAsync(http, _openApi.Index);
                return;
            case "/openapi/v2":
                throw ApiError.NotFoundPath();
        }

        if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            var doc = _openApi.Find(path["/openapi/v3/".Length..]) ?? throw ApiError.NotFoundPath();
            http.Response.Headers.CacheControl = http.Request.Query.ContainsKey("hash") ? "public, immutable" : "no-cache, private";
            await WriteTextAsync(http, doc);
            return;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["api", var coreVersion] && api.Registry.ServesGroupVersion("", coreVersion))
        {
            await Responses.WriteAsync(http, 200, DiscoveryDocuments.ApiResourceList(api.Registry, "", coreVersion));
            return;
        }

        if (segments is ["apis", var group] && api.Registry.All.Any(s => s.Type.Group == group))
        {
            await Responses.WriteAsync(http, 200, DiscoveryDocuments.ApiGroup(api.Registry, group, withTypeMeta: true));
            return;
        }

        if (segments is ["apis", var g, var v] && api.Registry.ServesGroupVersion(g, v))
        {
            await Responses.WriteAsync(http, 200, DiscoveryDocuments.ApiResourceList(api.Registry, g, v));
            return;
        }

        var resource = ResourcePath.Parse(api.Registry, path) ?? throw ApiError.NotFoundPath();
        await ResourceAsync(http, resource, method, ct);
    }

    private async Task ResourceAsync(HttpContext http, ResourcePath p, string method, CancellationToken ct)
    {
        var watch = p.WatchPath || http.Request.Query["watch"].ToString() is "true" or "1";
        if (p.Subresource is { } sub)
        {
            if (sub == "scale" && p.Strategy.HasSubresource("scale"))
            {
                await ScaleEndpoints.HandleAsync(api, http, p, ct);
                return;
            }

            if (sub != "status" || !p.Strategy.Type.HasStatus)
            {
                throw ApiError.NotFoundPath();
            }
        }

        switch (method)
        {
            case "GET" when watch:
                await WatchStream.ServeAsync(api, http, p, ct);
                break;
            case "GET" when p.Name is null:
                await ReadEndpoints.ListAsync(api, http, p, ct);
                break;
            case "GET":
                await ReadEndpoints.GetAsync(api, http, p, ct);
                break;
            case "POST" when p.Name is null:
                await WriteEndpoints.CreateAsync(api, http, p, ct);
                break;
            case "PUT" when p.Name is not null:
                await WriteEndpoints.UpdateAsync(api, http, p, ct);
                break;
            case "PATCH" when p.Name is not null:
                await PatchEndpoint.PatchAsync(api, http, p, ct);
                break;
            case "DELETE" when p.Name is not null && p.Subresource is null:
                await DeleteEndpoints.DeleteAsync(api, http, p, terminator, ct);
                break;
            case "DELETE" when p.Name is null && p.Strategy.Verbs.Contains("deletecollection"):
                await DeleteEndpoints.DeleteCollectionAsync(api, http, p, ct);
                break;
            default:
                throw ApiError.MethodNotAllowed($"the server does not allow this method on the requested resource");
        }
    }

    private async Task DiscoveryAsync(HttpContext http, bool core)
    {
        var version = DiscoveryDocuments.NegotiateAggregated(http.Request.Headers.Accept.ToString());
        if (version is not null)
        {
            await Responses.WriteAsync(http, 200, DiscoveryDocuments.Aggregated(api.Registry, core, version), DiscoveryDocuments.AggregatedContentType(version));
            return;
        }

        var body = core
            ? DiscoveryDocuments.ApiVersions(http.Request.Host.Value ?? "127.0.0.1")
            : DiscoveryDocuments.ApiGroupList(api.Registry);
        await Responses.WriteAsync(http, 200, body);
    }

    private static async Task WriteTextAsync(HttpContext http, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        http.Response.ContentType = Responses.Json;
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }
}
