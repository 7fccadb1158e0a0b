using System.Text.Json.Nodes;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Discovery;

/// <summary>Aggregated (apidiscovery.k8s.io v2 / v2beta1) and legacy discovery documents, built from the registry.</summary>
internal static class DiscoveryDocuments
{
    public static string AggregatedContentType(string version) =>
        $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList";

    /// <summary>
    /// "v2", "v2beta1", or null for legacy JSON: the first aggregated version the Accept header names. Answering a
    /// v2beta1-only client with v2 makes it read the body as APIVersions and find no resources.
    /// </summary>
    public static string? NegotiateAggregated(string accept)
    {
        foreach (var entry in accept.Split(','))
        {
            var parameters = entry.Split(';').Select(p => p.Trim()).ToList();
            if (!parameters.Contains("g=apidiscovery.k8s.io") || !parameters.Contains("as=APIGroupDiscoveryList"))
            {
                continue;
            }

            if (parameters.Contains("v=v2"))
            {
                return "v2";
            }

            if (parameters.Contains("v=v2beta1"))
            {
                return "v2beta1";
            }
        }

        return null;
    }

    /// <summary>/api (core = true: the single unnamed core group) or /apis (every named group).</summary>
    public static JsonObject Aggregated(ResourceRegistry registry, bool core, string version)
    {
        var items = new JsonArray();
        foreach (var group in registry.All.Select(s => s.Type.Group).Distinct().Where(g => (g.Length == 0) == core))
        {
            var metadata = new JsonObject { ["creationTimestamp"] = null };
            if (!core)
            {
                metadata = new JsonObject { ["name"] = group, ["creationTimestamp"] = null };
            }

            var versions = new JsonArray();
            foreach (var v in registry.All.Where(s => s.Type.Group == group).Select(s => s.Type.Version).Distinct())
            {
                var resources = new JsonArray();
                foreach (var s in registry.All.Where(s => s.Type.Group == group && s.Type.Version == v))
                {
                    var r = new JsonObject
                    {
                        ["resource"] = s.Type.Resource,
                        ["responseKind"] = Gvk(s.Type.Group, s.Type.Version, s.Type.Kind),
                        ["scope"] = s.Type.Namespaced ? "Namespaced" : "Cluster",
                        ["singularResource"] = s.Singular,
                        ["verbs"] = Strings(s.Verbs),
                    };
                    if (s.ShortNames.Count > 0)
                    {
                        r["shortNames"] = Strings(s.ShortNames);
                    }

                    if (s.Categories.Count > 0)
                    {
                        r["categories"] = Strings(s.Categories);
                    }

                    if (s.Subresources.Count > 0)
                    {
                        r["subresources"] = new JsonArray([.. s.Subresources.Select(sub => (JsonNode)new JsonObject
                        {
                            ["subresource"] = sub.Name,
                            ["responseKind"] = Gvk(sub.Group, sub.Version, sub.Kind),
                            ["verbs"] = Strings(sub.Verbs),
                        })]);
                    }

                    resources.Add((JsonNode)r);
                }

                versions.Add((JsonNode)new JsonObject { ["version"] = v, ["resources"] = resources, ["freshness"] = "Current" });
            }

            items.Add((JsonNode)new JsonObject { ["metadata"] = metadata, ["versions"] = versions });
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = $"apidiscovery.k8s.io/{version}",
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject ApiGroupList(ResourceRegistry registry) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray([.. registry.All.Select(s => s.Type.Group).Distinct().Where(g => g.Length > 0)
            .Select(g => (JsonNode)ApiGroup(registry, g, withTypeMeta: false))]),
    };

    public static JsonObject ApiGroup(ResourceRegistry registry, string group, bool withTypeMeta)
    {
        var versions = registry.All.Where(s => s.Type.Group == group).Select(s => s.Type.Version).Distinct().ToList();
        var g = new JsonObject();
        if (withTypeMeta)
        {
            g["kind"] = "APIGroup";
            g["apiVersion"] = "v1";
        }

        g["name"] = group;
        g["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v })]);
        g["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0]}", ["version"] = versions[0] };
        return g;
    }

    public static JsonObject ApiResourceList(ResourceRegistry registry, string group, string version)
    {
        var resources = new JsonArray();
        foreach (var s in registry.All.Where(s => s.Type.Group == group && s.Type.Version == version))
        {
            var r = new JsonObject
            {
                ["name"] = s.Type.Resource,
                ["singularName"] = s.Singular,
                ["namespaced"] = s.Type.Namespaced,
                ["kind"] = s.Type.Kind,
                ["verbs"] = Strings(s.Verbs),
            };
            if (s.ShortNames.Count > 0)
            {
                r["shortNames"] = Strings(s.ShortNames);
            }

            if (s.Categories.Count > 0)
            {
                r["categories"] = Strings(s.Categories);
            }

            resources.Add((JsonNode)r);
            foreach (var sub in s.Subresources)
            {
                var entry = new JsonObject
                {
                    ["name"] = $"{s.Type.Resource}/{sub.Name}",
                    ["singularName"] = "",
                    ["namespaced"] = s.Type.Namespaced,
                };
                if (sub.Group != group || sub.Version != version)
                {
                    entry["group"] = sub.Group;
                    entry["version"] = sub.Version;
                }

                entry["kind"] = sub.Kind;
                entry["verbs"] = Strings(sub.Verbs);
                resources.Add((JsonNode)entry);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject Gvk(string group, string version, string kind) =>
        new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
