using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Endpoints;

/// <summary>
/// The decode → default → validate sequence every write goes through, plus the checks on type meta, names and
/// namespaces that the URL implies.
/// </summary>
internal static class Admission
{
    /// <summary>Checks shape and unknown fields (per fieldValidation), defaults, validates. Returns the object to store.</summary>
    public static JsonObject Admit(HttpContext http, ResourceStrategy s, JsonObject obj, JsonObject? old)
    {
        if (ObjectMetaValidation.ShapeError(s, obj) is { } shape)
        {
            throw ApiError.BadRequest($"{CannotHandle(s)}: {shape}");
        }

        var unknown = ObjectMetaValidation.UnknownFields(s, obj).Concat(s.Admission.UnknownFields(obj)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            switch (FieldValidation(http))
            {
                case "Strict":
                    throw ApiError.BadRequest(
                        $"{CannotHandle(s)}: strict decoding error: {string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""))}");
                case "Warn":
                    foreach (var u in unknown)
                    {
                        Responses.AddWarning(http, $"unknown field \"{u}\"");
                    }

                    break;
            }
        }

        var (defaulted, kindErrors) = s.Admission.Admit(obj, old);
        // The generic metadata rules and the kind's own rules overlap on metadata: report each error once.
        var errors = ObjectMetaValidation.Validate(s, defaulted)
            .Concat(kindErrors)
            .DistinctBy(e => (e.Field, e.Message))
            .ToList();
        if (errors.Count > 0)
        {
            var name = Json.Str(defaulted, "metadata", "name") ?? Json.Str(defaulted, "metadata", "generateName") ?? "";
            throw ApiError.Invalid(s, name, errors);
        }

        return defaulted;
    }

    /// <summary>Fills apiVersion/kind when missing and rejects a body of another kind (400).</summary>
    public static JsonObject WithTypeMeta(ResourceStrategy s, JsonObject body)
    {
        var apiVersion = Json.Str(body, "apiVersion");
        var kind = Json.Str(body, "kind");
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != s.Type.ApiVersion)
        {
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({s.Type.ApiVersion})");
        }

        if (!string.IsNullOrEmpty(kind) && kind != s.Type.Kind)
        {
            throw ApiError.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({s.Type.Kind})");
        }

        return Objects.WithTypeMeta(s, body);
    }

    /// <summary>Fills metadata.namespace from the URL, or rejects a different one (400).</summary>
    public static void BindNamespace(ResourceStrategy s, JsonObject obj, string? ns)
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

        var bodyNs = Json.Str(meta, "namespace");
        if (!s.Type.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }

        if (string.IsNullOrEmpty(bodyNs))
        {
            meta["namespace"] = ns;
        }
        else if (bodyNs != ns)
        {
            throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    /// <summary>dryRun=All: validate and answer without storing.</summary>
    public static bool IsDryRun(HttpContext http)
    {
        var values = http.Request.Query["dryRun"];
        if (values.Count == 0)
        {
            return false;
        }

        foreach (var v in values)
        {
            if (v != "All")
            {
                throw ApiError.BadRequest($"Invalid dry run value: {v}; valid values are: All");
            }
        }

        return true;
    }

    private static string FieldValidation(HttpContext http)
    {
        var value = http.Request.Query["fieldValidation"].ToString();
        return value switch
        {
            "" => "Warn",
            "Strict" or "Warn" or "Ignore" => value,
            _ => throw ApiError.BadRequest($"fieldValidation parameter unsupported: {value}"),
        };
    }

    private static string CannotHandle(ResourceStrategy s) =>
        $"{s.Type.Kind} in version \"{s.Type.Version}\" cannot be handled as a {s.Type.Kind}";
}
