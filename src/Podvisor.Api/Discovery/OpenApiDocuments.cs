using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Discovery;

/// <summary>
/// /openapi/v3: a path index plus one document per group-version. Each kind's PATCH operation declares the
/// fieldValidation query parameter, which makes kubectl validate on the server (fieldValidation=Strict) instead of
/// needing full schemas. Strategic merge patch is deliberately not listed in requestBody, so kubectl uses its
/// compiled-in patch metadata.
/// </summary>
internal sealed class OpenApiDocuments
{
    private readonly Dictionary<string, (string Json, string Hash)> _documents = [];

    public OpenApiDocuments(ResourceRegistry registry)
    {
        foreach (var (group, version) in registry.GroupVersions)
        {
            var path = group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";
            var json = Document(registry, group, version).ToJsonString();
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..32];
            _documents[path] = (json, hash);
        }

        var paths = new JsonObject();
        foreach (var (path, doc) in _documents)
        {
            paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={doc.Hash}" };
        }

        Index = new JsonObject { ["paths"] = paths }.ToJsonString();
    }

    public string Index { get; }

    /// <summary>The document for "api/v1" or "apis/apps/v1"; null when not served.</summary>
    public string? Find(string path) => _documents.TryGetValue(path, out var doc) ? doc.Json : null;

    private static JsonObject Document(ResourceRegistry registry, string group, string version)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        var prefix = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        foreach (var s in registry.All.Where(r => r.Type.Group == group && r.Type.Version == version))
        {
            var schemaName = $"io.k8s.api.{(group.Length == 0 ? "core" : group.Split('.')[0])}.{version}.{s.Type.Kind}";
            var gvk = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = s.Type.Kind };
            var itemPath = s.Type.Namespaced
                ? $"{prefix}/namespaces/{{namespace}}/{s.Type.Resource}/{{name}}"
                : $"{prefix}/{s.Type.Resource}/{{name}}";
            var collectionPath = s.Type.Namespaced
                ? $"{prefix}/namespaces/{{namespace}}/{s.Type.Resource}"
                : $"{prefix}/{s.Type.Resource}";
            var schemaRef = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" };

            paths[itemPath] = new JsonObject
            {
                ["get"] = Operation("read", s, gvk, schemaRef, withFieldValidation: false),
                ["put"] = Operation("replace", s, gvk, schemaRef, withFieldValidation: true),
                ["patch"] = Operation("patch", s, gvk, schemaRef, withFieldValidation: true),
                ["delete"] = Operation("delete", s, gvk, schemaRef, withFieldValidation: false),
                ["parameters"] = PathParameters(s.Type.Namespaced, withName: true),
            };
            paths[collectionPath] = new JsonObject
            {
                ["get"] = Operation("list", s, gvk, schemaRef, withFieldValidation: false),
                ["post"] = Operation("create", s, gvk, schemaRef, withFieldValidation: true),
                ["parameters"] = PathParameters(s.Type.Namespaced, withName: false),
            };
            schemas[schemaName] = new JsonObject
            {
                ["description"] = $"{s.Type.Kind} ({s.Type.ApiVersion}).",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = new JsonObject { ["type"] = "string" },
                    ["kind"] = new JsonObject { ["type"] = "string" },
                    ["metadata"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                },
                ["x-kubernetes-preserve-unknown-fields"] = true,
                ["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone()),
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = VersionInfo.GitVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonObject Operation(string action, ResourceStrategy s, JsonObject gvk, JsonObject schemaRef, bool withFieldValidation)
    {
        var parameters = new JsonArray();
        if (withFieldValidation)
        {
            parameters.Add((JsonNode)Query("fieldValidation"));
            parameters.Add((JsonNode)Query("fieldManager"));
            parameters.Add((JsonNode)Query("dryRun"));
        }

        if (action == "patch")
        {
            parameters.Add((JsonNode)new JsonObject { ["name"] = "force", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "boolean" } });
        }

        var op = new JsonObject
        {
            ["operationId"] = $"{action}{s.Type.Kind}",
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemaRef.DeepClone() } },
                },
            },
            ["x-kubernetes-action"] = action == "read" ? "get" : action == "replace" ? "put" : action == "create" ? "post" : action,
            ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
        };
        if (action == "patch")
        {
            op["requestBody"] = new JsonObject
            {
                ["content"] = new JsonObject
                {
                    ["application/apply-patch+yaml"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
                    ["application/json-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
                    ["application/merge-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
                },
                ["required"] = true,
            };
        }

        return op;
    }

    private static JsonArray PathParameters(bool namespaced, bool withName)
    {
        var list = new JsonArray();
        if (withName)
        {
            list.Add((JsonNode)new JsonObject { ["name"] = "name", ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        if (namespaced)
        {
            list.Add((JsonNode)new JsonObject { ["name"] = "namespace", ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        return list;
    }

    private static JsonObject Query(string name) =>
        new() { ["name"] = name, ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } };
}
