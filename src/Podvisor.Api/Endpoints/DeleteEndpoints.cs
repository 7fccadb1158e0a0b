using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podvisor.Api.Resources;
using StoreDeleteOptions = Podvisor.Store.DeleteOptions;

namespace Podvisor.Api.Endpoints;

/// <summary>DELETE of one object (200 with the object, marked or last state) and deletecollection.</summary>
internal static class DeleteEndpoints
{
    public static async Task DeleteAsync(ApiContext api, HttpContext http, ResourcePath p, NamespaceTerminator terminator, CancellationToken ct)
    {
        var s = p.Strategy;
        var name = p.Name!;
        var request = await ReadOptionsAsync(http, ct);
        var old = await StoreCalls.Run(s, name, () => api.Store.GetAsync(s.Type, p.Namespace, name, ct)) ?? throw ApiError.NotFound(s, name);
        if (request.PreconditionUid is { } uid && uid != Json.Str(old, "metadata", "uid"))
        {
            throw ApiError.Conflict(s, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {Json.Str(old, "metadata", "uid")}");
        }

        if (Admission.IsDryRun(http))
        {
            await Responses.WriteAsync(http, 200, Objects.WithTypeMeta(s, old));
            return;
        }

        if (s.Type.Resource == "namespaces" && s.Type.Group.Length == 0)
        {
            var terminating = await terminator.BeginAsync(old, ct);
            await Responses.WriteAsync(http, 200, Objects.WithTypeMeta(s, terminating));
            return;
        }

        var result = await DeleteObjectAsync(api, s, old, request, ct);
        await Responses.WriteAsync(http, 200, result);
    }

    public static async Task DeleteCollectionAsync(ApiContext api, HttpContext http, ResourcePath p, CancellationToken ct)
    {
        var s = p.Strategy;
        var request = await ReadOptionsAsync(http, ct);
        var list = await StoreCalls.Run(s, null, () => api.Store.ListAsync(s.Type, p.Namespace, ReadEndpoints.ListOptionsFrom(http), ct));
        var dryRun = Admission.IsDryRun(http);
        var deleted = new List<JsonObject>();
        foreach (var item in list.Items)
        {
            deleted.Add(dryRun ? item : await DeleteObjectAsync(api, s, item, request with { PreconditionUid = null, PreconditionResourceVersion = null }, ct));
        }

        var rv = list.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        await Responses.StreamAsync(http, 200, w => Objects.WriteList(w, s, deleted, rv, null, null));
    }

    /// <summary>Deletes with the kind's grace-period rules; a missing object at this point counts as deleted.</summary>
    public static async Task<JsonObject> DeleteObjectAsync(ApiContext api, ResourceStrategy s, JsonObject old, StoreDeleteOptions request, CancellationToken ct)
    {
        var name = Objects.Name(old) ?? "";
        var grace = s.ResolveGracePeriod is { } resolve ? resolve(old, request.GracePeriodSeconds) : request.GracePeriodSeconds;
        var result = await StoreCalls.Run(s, name, () =>
            api.Store.DeleteAsync(s.Type, Json.Str(old, "metadata", "namespace"), name, request with { GracePeriodSeconds = grace }, ct));
        return Objects.WithTypeMeta(s, result.Object);
    }

    /// <summary>DeleteOptions from the body (JSON) and the query (gracePeriodSeconds, preconditions are body-only).</summary>
    private static async Task<StoreDeleteOptions> ReadOptionsAsync(HttpContext http, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(http, ct);
        long? grace = null;
        string? uid = null, rv = null;
        if (body.Length > 0)
        {
            var options = RequestBody.Parse(body, RequestBody.MediaType(http)) as JsonObject
                ?? throw ApiError.BadRequest("DeleteOptions must be a JSON object");
            if (options["gracePeriodSeconds"] is { } g)
            {
                grace = Json.Long(g) ?? throw ApiError.BadRequest("DeleteOptions.gracePeriodSeconds must be an integer");
            }

            if (options["preconditions"] is { } pre && pre is not JsonObject)
            {
                throw ApiError.BadRequest("DeleteOptions.preconditions must be an object");
            }

            uid = Json.Str(options, "preconditions", "uid");
            rv = Json.Str(options, "preconditions", "resourceVersion");
            ValidatePropagation(Json.Str(options, "propagationPolicy"));
        }

        if (http.Request.Query["gracePeriodSeconds"].ToString() is { Length: > 0 } q)
        {
            grace = long.TryParse(q, NumberStyles.Integer, CultureInfo.InvariantCulture, out var g) ? g : throw ApiError.BadRequest($"invalid gracePeriodSeconds: {q}");
        }

        ValidatePropagation(ReadEndpoints.NullIfEmpty(http.Request.Query["propagationPolicy"].ToString()));
        if (grace < 0)
        {
            grace = 0;
        }

        return new StoreDeleteOptions { GracePeriodSeconds = grace, PreconditionUid = uid, PreconditionResourceVersion = rv };
    }

    private static void ValidatePropagation(string? policy)
    {
        if (policy is not (null or "Orphan" or "Background" or "Foreground"))
        {
            throw new ApiError(422, "Invalid", $"DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
        }
    }
}
