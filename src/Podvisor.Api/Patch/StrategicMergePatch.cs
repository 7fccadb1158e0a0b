using System.Text.Json.Nodes;

namespace Podvisor.Api.Patch;

/// <summary>
/// Strategic merge patch for the built-in kinds, driven by a table of patchMergeKeys instead of Go struct tags:
/// lists of containers, volumes, env, ... merge by name, container ports by containerPort, Service ports by port,
/// conditions by type. Directives: <c>$patch: replace|delete|merge</c>, <c>$setElementOrder/&lt;list&gt;</c>,
/// <c>$retainKeys</c>, <c>$deleteFromPrimitiveList/&lt;list&gt;</c>. Lists without a merge key are replaced.
/// </summary>
public static class StrategicMergePatch
{
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["volumes"] = "name",
        ["env"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name",
        ["hostAliases"] = "ip",
        ["conditions"] = "type",
        ["ownerReferences"] = "uid",
        ["topologySpreadConstraints"] = "topologyKey",
        ["resourceClaims"] = "name",
        ["schedulingGates"] = "name",
        ["containerStatuses"] = "name",
        ["initContainerStatuses"] = "name",
    };

    /// <summary>Primitive lists whose patch strategy is merge (set union).</summary>
    private static readonly HashSet<string> MergedPrimitiveLists = ["finalizers"];

    /// <summary>Returns a new object; neither argument is mutated.</summary>
    public static JsonObject Apply(JsonObject original, JsonObject patch) =>
        MergeObject((JsonObject)original.DeepClone(), patch, parentKey: null) ?? new JsonObject();

    private static JsonObject? MergeObject(JsonObject target, JsonObject patch, string? parentKey)
    {
        switch (Directive(patch))
        {
            case "delete":
                return null;
            case "replace":
                return StripDirectives(patch);
        }

        List<string>? retainKeys = null;
        var orders = new Dictionary<string, JsonArray>();
        foreach (var (key, value) in patch)
        {
            if (key == "$patch")
            {
                continue;
            }

            if (key == "$retainKeys")
            {
                retainKeys = (value as JsonArray)?.Select(v => v is JsonValue s && s.TryGetValue<string>(out var k) ? k : "").ToList() ?? [];
            }
            else if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                if (value is JsonArray order)
                {
                    orders[key["$setElementOrder/".Length..]] = order;
                }
            }
            else if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var listKey = key["$deleteFromPrimitiveList/".Length..];
                if (target[listKey] is JsonArray list && value is JsonArray remove)
                {
                    foreach (var item in list.Where(i => remove.Any(r => JsonNode.DeepEquals(i, r))).ToList())
                    {
                        list.Remove(item);
                    }
                }
            }
            else if (key.StartsWith('$'))
            {
                continue;
            }
            else if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject childPatch)
            {
                var merged = MergeObject(target[key] as JsonObject ?? new JsonObject(), childPatch, key);
                if (merged is null)
                {
                    target.Remove(key);
                }
                else
                {
                    target[key] = merged;
                }
            }
            else if (value is JsonArray listPatch)
            {
                target[key] = MergeList(target[key] as JsonArray, listPatch, MergeKeyFor(key, parentKey, target, listPatch), key);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }

        foreach (var (listKey, order) in orders)
        {
            if (target[listKey] is JsonArray list)
            {
                target[listKey] = Reorder(list, order, MergeKeyFor(listKey, parentKey, target, order));
            }
        }

        if (retainKeys is not null)
        {
            foreach (var key in target.Select(p => p.Key).Where(k => !retainKeys.Contains(k)).ToList())
            {
                target.Remove(key);
            }
        }

        return target;
    }

    private static string? MergeKeyFor(string key, string? parentKey, JsonObject parent, JsonArray patchList)
    {
        if (key == "ports")
        {
            // Container ports merge by containerPort; a Service's spec.ports by port; other port lists are atomic.
            var items = patchList.OfType<JsonObject>().Concat((parent[key] as JsonArray)?.OfType<JsonObject>() ?? []);
            return items.Any(i => i.ContainsKey("containerPort")) ? "containerPort"
                : parentKey == "spec" && items.Any(i => i.ContainsKey("port") && !i.ContainsKey("addressType")) ? "port"
                : null;
        }

        return MergeKeys.GetValueOrDefault(key);
    }

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, string? mergeKey, string key)
    {
        if (patch.OfType<JsonObject>().Any(i => Directive(i) == "replace"))
        {
            return new JsonArray([.. patch.OfType<JsonObject>().Where(i => Directive(i) != "replace").Select(StripDirectives)]);
        }

        if (mergeKey is null)
        {
            if (MergedPrimitiveLists.Contains(key) && target is not null)
            {
                var union = (JsonArray)target.DeepClone();
                foreach (var item in patch.Where(p => !union.Any(u => JsonNode.DeepEquals(u, p))))
                {
                    union.Add(item?.DeepClone());
                }

                return union;
            }

            return new JsonArray([.. patch.Select(i => i is JsonObject o ? StripDirectives(o) : i?.DeepClone())]);
        }

        var result = target is null ? new JsonArray() : (JsonArray)target.DeepClone();
        foreach (var item in patch)
        {
            if (item is not JsonObject patchItem)
            {
                if (!result.Any(r => JsonNode.DeepEquals(r, item)))
                {
                    result.Add(item?.DeepClone());
                }

                continue;
            }

            var keyValue = patchItem[mergeKey];
            var existing = keyValue is null ? null : result.OfType<JsonObject>().FirstOrDefault(r => JsonNode.DeepEquals(r[mergeKey], keyValue));
            if (Directive(patchItem) == "delete")
            {
                if (existing is not null)
                {
                    result.Remove(existing);
                }

                continue;
            }

            if (existing is null)
            {
                result.Add((JsonNode?)StripDirectives(patchItem));
                continue;
            }

            var index = result.IndexOf(existing);
            var merged = MergeObject((JsonObject)existing.DeepClone(), patchItem, key);
            result.RemoveAt(index);
            if (merged is not null)
            {
                result.Insert(index, merged);
            }
        }

        return result;
    }

    private static JsonArray Reorder(JsonArray list, JsonArray order, string? mergeKey)
    {
        var remaining = list.Select(i => i?.DeepClone()).ToList();
        var ordered = new JsonArray();
        foreach (var o in order)
        {
            var match = remaining.FirstOrDefault(r => mergeKey is not null && r is JsonObject ro && o is JsonObject oo
                ? JsonNode.DeepEquals(ro[mergeKey], oo[mergeKey])
                : JsonNode.DeepEquals(r, o));
            if (match is not null)
            {
                remaining.Remove(match);
                ordered.Add(match);
            }
        }

        foreach (var r in remaining)
        {
            ordered.Add(r);
        }

        return ordered;
    }

    private static string? Directive(JsonObject o) =>
        o["$patch"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonObject StripDirectives(JsonObject o)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in o)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }

            copy[key] = value switch
            {
                JsonObject child => StripDirectives(child),
                JsonArray list => new JsonArray([.. list.Select(i => i is JsonObject c ? StripDirectives(c) : i?.DeepClone())]),
                _ => value?.DeepClone(),
            };
        }

        return copy;
    }
}
