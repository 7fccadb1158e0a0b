using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Endpoints;

/// <summary>POST (create) and PUT (replace, and replace of the status subresource).</summary>
internal static class WriteEndpoints
{
    public static async Task CreateAsync(ApiContext api, HttpContext http, ResourcePath p, CancellationToken ct)
    {
        var s = p.Strategy;
        if (s.Type.Namespaced && p.Namespace is null)
        {
            throw ApiError.MethodNotAllowed($"POST is not supported on the cluster-wide {s.Type.Resource} collection; use /namespaces/{{namespace}}/{s.Type.Resource}");
        }

        var body = await RequestBody.ReadAsync(http, ct);
        var obj = Admission.WithTypeMeta(s, RequestBody.ParseObject(body, RequestBody.MediaType(http), $"unable to decode {s.Type.Kind}"));
        var (status, result) = await CreateObjectAsync(api, http, s, p.Namespace, obj, ct);
        await Responses.WriteAsync(http, status, result);
    }

    /// <summary>The create path shared by POST and an apply that finds nothing: returns (201, created object).</summary>
    public static async Task<(int Status, JsonObject Object)> CreateObjectAsync(
        ApiContext api, HttpContext http, ResourceStrategy s, string? ns, JsonObject obj, CancellationToken ct)
    {
        Admission.BindNamespace(s, obj, ns);
        if (obj["metadata"] is JsonObject meta)
        {
            foreach (var systemField in new[] { "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "selfLink" })
            {
                meta.Remove(systemField);
            }
        }

        if (s.PrepareForCreate is { } prepare)
        {
            obj = prepare(obj);
        }

        obj = Admission.Admit(http, s, obj, old: null);
        await NamespaceGuard.EnsureWritableAsync(api, s, ns, Objects.Name(obj), ct);
        if (Admission.IsDryRun(http))
        {
            var dry = Json.EnsureObject(obj, "metadata");
            dry["uid"] = Guid.NewGuid().ToString();
            dry["creationTimestamp"] = Json.FormatTime(api.Time.GetUtcNow());
            return (201, obj);
        }

        var created = await StoreCalls.Run(s, Objects.Name(obj), () => api.Store.CreateAsync(s.Type, obj, ct));
        return (201, Objects.WithTypeMeta(s, created));
    }

    public static async Task UpdateAsync(ApiContext api, HttpContext http, ResourcePath p, CancellationToken ct)
    {
        var s = p.Strategy;
        var name = p.Name!;
        var body = await RequestBody.ReadAsync(http, ct);
        var obj = Admission.WithTypeMeta(s, RequestBody.ParseObject(body, RequestBody.MediaType(http), $"unable to decode {s.Type.Kind}"));
        Admission.BindNamespace(s, obj, p.Namespace);
        if (obj["metadata"] is JsonObject meta)
        {
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

        var old = await StoreCalls.Run(s, name, () => api.Store.GetAsync(s.Type, p.Namespace, name, ct)) ?? throw ApiError.NotFound(s, name);
        var result = await StoreUpdateAsync(api, http, s, obj, old, p.Subresource, ct);
        await Responses.WriteAsync(http, 200, result);
    }

    /// <summary>Admits and stores an update of <paramref name="old"/>; for "status" only .status counts.</summary>
    public static async Task<JsonObject> StoreUpdateAsync(
        ApiContext api, HttpContext http, ResourceStrategy s, JsonObject obj, JsonObject old, string? subresource, CancellationToken ct)
    {
        var name = Objects.Name(old);
        var candidate = obj;
        if (subresource == "status")
        {
            // Validate the object as it will be: the stored one with the new status.
            candidate = (JsonObject)old.DeepClone();
            candidate["status"] = obj["status"]?.DeepClone();
            if (Json.Str(obj, "metadata", "resourceVersion") is { } rv)
            {
                Json.EnsureObject(candidate, "metadata")["resourceVersion"] = rv;
            }
        }

        var admitted = Admission.Admit(http, s, candidate, old);
        if (Admission.IsDryRun(http))
        {
            return Objects.WithTypeMeta(s, admitted);
        }

        var updated = await StoreCalls.Run(s, name, () => api.Store.UpdateAsync(s.Type, admitted, subresource, ct));
        return Objects.WithTypeMeta(s, updated);
    }
}
