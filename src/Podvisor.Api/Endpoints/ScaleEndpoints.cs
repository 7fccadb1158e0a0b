using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podvisor.Api.Resources;
using Podvisor.Api.Tables;

namespace Podvisor.Api.Endpoints;

/// <summary>The autoscaling/v1 Scale subresource of deployments and replicasets (GET, PUT, PATCH).</summary>
internal static class ScaleEndpoints
{
    public static async Task HandleAsync(ApiContext api, HttpContext http, ResourcePath p, CancellationToken ct)
    {
        var s = p.Strategy;
        var name = p.Name!;
        var method = http.Request.Method;
        if (method is not ("GET" or "PUT" or "PATCH"))
        {
            throw ApiError.MethodNotAllowed($"{method} is not supported on {s.Type.Resource}/scale");
        }

        var body = method == "GET" ? [] : await RequestBody.ReadAsync(http, ct);
        var obj = await StoreCalls.Run(s, name, () => api.Store.GetAsync(s.Type, p.Namespace, name, ct)) ?? throw ApiError.NotFound(s, name);
        if (method == "GET")
        {
            await Responses.WriteAsync(http, 200, ToScale(obj));
            return;
        }

        var mediaType = RequestBody.MediaType(http);
        var scale = method == "PUT"
            ? RequestBody.ParseObject(body, mediaType, "unable to decode Scale")
            : PatchEndpoint.ApplyPatch(mediaType, ToScale(obj), RequestBody.Parse(body, mediaType) ?? throw ApiError.BadRequest("the patch body is null"));
        var replicas = Json.Long(scale, "spec", "replicas");
        if (scale["spec"] is JsonObject spec && spec["replicas"] is not null && replicas is null)
        {
            throw ApiError.BadRequest("Scale in version \"v1\" cannot be handled as a Scale: spec.replicas must be an integer");
        }

        if (replicas is < 0 or > int.MaxValue)
        {
            throw new ApiError(422, "Invalid", $"Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0",
                new JsonObject { ["name"] = name, ["group"] = "autoscaling", ["kind"] = "Scale" });
        }

        var updated = (JsonObject)obj.DeepClone();
        Json.EnsureObject(updated, "spec")["replicas"] = replicas ?? 0;
        if (Json.Str(scale, "metadata", "resourceVersion") is { Length: > 0 } rv)
        {
            Json.EnsureObject(updated, "metadata")["resourceVersion"] = rv;
        }

        var result = await WriteEndpoints.StoreUpdateAsync(api, http, s, updated, obj, null, ct);
        await Responses.WriteAsync(http, 200, ToScale(result));
    }

    public static JsonObject ToScale(JsonObject obj)
    {
        var meta = new JsonObject();
        foreach (var field in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (Json.Meta(obj)?[field] is { } v)
            {
                meta[field] = v.DeepClone();
            }
        }

        var selector = Template.Selector(Json.Obj(obj, "spec", "selector"));
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = meta,
            ["spec"] = new JsonObject { ["replicas"] = Json.Long(obj, "spec", "replicas") ?? 0 },
            ["status"] = new JsonObject
            {
                ["replicas"] = Json.Long(obj, "status", "replicas") ?? 0,
                ["selector"] = selector == "<none>" ? "" : selector,
            },
        };
    }
}
