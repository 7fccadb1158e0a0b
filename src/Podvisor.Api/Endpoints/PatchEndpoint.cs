using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podvisor.Api.Patch;
using Podvisor.Api.Resources;
using Podvisor.Store;

namespace Podvisor.Api.Endpoints;

/// <summary>
/// PATCH in the four Kubernetes patch types. Apply (application/apply-patch+yaml) is an upsert that merges the body
/// into the live object (no field ownership). A patch without a resourceVersion is retried on a write conflict, as the
/// API server's GuaranteedUpdate does.
/// </summary>
internal static class PatchEndpoint
{
    private const int MaxAttempts = 5;

    public static async Task PatchAsync(ApiContext api, HttpContext http, ResourcePath p, CancellationToken ct)
    {
        var s = p.Strategy;
        var name = p.Name!;
        var mediaType = RequestBody.MediaType(http);
        var body = await RequestBody.ReadAsync(http, ct);
        var patch = RequestBody.Parse(body, mediaType) ?? throw ApiError.BadRequest("the patch body is null");
        var isApply = mediaType == "application/apply-patch+yaml";
        if (isApply && http.Request.Query["fieldManager"].ToString().Length == 0)
        {
            throw ApiError.BadRequest("PATCH, application/apply-patch+yaml requires fieldManager to be set");
        }

        for (var attempt = 1; ; attempt++)
        {
            var old = await StoreCalls.Run(s, name, () => api.Store.GetAsync(s.Type, p.Namespace, name, ct));
            if (old is null)
            {
                if (isApply && p.Subresource is null)
                {
                    var applied = Admission.WithTypeMeta(s, AsObject(patch));
                    RequireName(applied, name);
                    var (code, created) = await WriteEndpoints.CreateObjectAsync(api, http, s, p.Namespace, applied, ct);
                    await Responses.WriteAsync(http, code, created);
                    return;
                }

                throw ApiError.NotFound(s, name);
            }

            var patched = Admission.WithTypeMeta(s, ApplyPatch(mediaType, Objects.WithTypeMeta(s, old), patch));
            RequireName(patched, name);
            Admission.BindNamespace(s, patched, p.Namespace);
            var pinned = patch is JsonObject po && Json.Str(po, "metadata", "resourceVersion") is not null;
            if (!pinned)
            {
                Json.EnsureObject(patched, "metadata")["resourceVersion"] = Json.Str(old, "metadata", "resourceVersion");
            }

            try
            {
                var result = await WriteEndpoints.StoreUpdateAsync(api, http, s, patched, old, p.Subresource, ct);
                await Responses.WriteAsync(http, 200, result);
                return;
            }
            catch (ApiError e) when (e.Reason == "Conflict" && !pinned && attempt < MaxAttempts)
            {
                // Someone wrote in between; re-read and re-apply.
            }
        }
    }

    /// <summary>Applies a patch of the given media type to a copy of <paramref name="original"/>.</summary>
    public static JsonObject ApplyPatch(string mediaType, JsonObject original, JsonNode patch)
    {
        try
        {
            var result = mediaType switch
            {
                "application/json-patch+json" => JsonPatch.Apply(original, patch),
                "application/merge-patch+json" => MergePatch.Apply(original, AsObject(patch)),
                "application/strategic-merge-patch+json" or "application/apply-patch+yaml" =>
                    StrategicMergePatch.Apply(original, AsObject(patch)),
                _ => throw new ApiError(415, "UnsupportedMediaType",
                    $"the server does not support the patch type {mediaType}; supported: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml"),
            };
            return result as JsonObject ?? throw new ApiError(422, "Invalid", "the patch result is not an object");
        }
        catch (FormatException e)
        {
            throw ApiError.BadRequest(e.Message);
        }
        catch (PatchException e)
        {
            throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: {e.Message}");
        }
    }

    private static JsonObject AsObject(JsonNode patch) =>
        patch as JsonObject ?? throw ApiError.BadRequest("the patch must be a JSON object");

    private static void RequireName(JsonObject obj, string name)
    {
        if (obj["metadata"] is not JsonObject meta)
        {
            if (obj["metadata"] is not null)
            {
                return;
            }

            meta = new JsonObject();
            obj["metadata"] = meta;
        }

        var bodyName = Json.Str(meta, "name");
        if (string.IsNullOrEmpty(bodyName))
        {
            meta["name"] = name;
        }
        else if (bodyName != name)
        {
            throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }
    }
}
