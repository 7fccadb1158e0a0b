using System.Text;
using Podvisor.Client;
using Podvisor.Model.Core;

namespace Podvisor.Node.PodWorkers;

/// <summary>Thrown when a container's environment cannot be built: waiting reason CreateContainerConfigError.</summary>
public sealed class ContainerConfigException(string message) : Exception(message);

/// <summary>
/// A container's environment as the kubelet builds it (makeEnvironmentVariables): envFrom, then env in order, each
/// value <c>$(VAR)</c>-expanded against the variables defined before it; fieldRefs from the pod; configMap and
/// secret keys through the client.
/// </summary>
public static class EnvResolver
{
    public static async Task<IReadOnlyList<KeyValuePair<string, string>>> ResolveAsync(Pod pod, Container container, string? podIp, string? hostIp, IPodvisorClient client, CancellationToken ct)
    {
        var ns = pod.Metadata.Namespace;
        var order = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string key, string value)
        {
            if (!values.ContainsKey(key))
            {
                order.Add(key);
            }

            values[key] = value;
        }

        foreach (var from in container.EnvFrom ?? [])
        {
            var prefix = from.Prefix ?? "";
            if (from.ConfigMapRef is { } cmRef)
            {
                var cm = await client.ConfigMaps.GetAsync(ns, cmRef.Name ?? "", ct).ConfigureAwait(false);
                if (cm is null)
                {
                    if (cmRef.Optional != true)
                    {
                        throw new ContainerConfigException($"configmap \"{cmRef.Name}\" not found");
                    }

                    continue;
                }

                foreach (var (k, v) in cm.Data ?? new Dictionary<string, string>())
                {
                    Set(prefix + k, v);
                }
            }

            if (from.SecretRef is { } secretRef)
            {
                var secret = await client.Secrets.GetAsync(ns, secretRef.Name ?? "", ct).ConfigureAwait(false);
                if (secret is null)
                {
                    if (secretRef.Optional != true)
                    {
                        throw new ContainerConfigException($"secret \"{secretRef.Name}\" not found");
                    }

                    continue;
                }

                foreach (var (k, v) in secret.Data ?? new Dictionary<string, byte[]>())
                {
                    Set(prefix + k, Encoding.UTF8.GetString(v));
                }
            }
        }

        foreach (var env in container.Env ?? [])
        {
            string? value;
            if (env.ValueFrom is { } source)
            {
                value = await ResolveSourceAsync(pod, container, source, podIp, hostIp, client, ct).ConfigureAwait(false);
                if (value is null)
                {
                    continue;
                }
            }
            else
            {
                value = Expand(env.Value ?? "", name => values.TryGetValue(name, out var v) ? v : null);
            }

            Set(env.Name, value);
        }

        return order.Select(k => new KeyValuePair<string, string>(k, values[k])).ToList();
    }

    /// <summary>command/args expanded with the final environment.</summary>
    public static IReadOnlyList<string>? ExpandAll(IReadOnlyList<string>? items, IReadOnlyList<KeyValuePair<string, string>> env)
    {
        if (items is null)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in env)
        {
            map[k] = v;
        }

        return items.Select(i => Expand(i, n => map.TryGetValue(n, out var v) ? v : null)).ToList();
    }

    /// <summary>
    /// Kubernetes' expansion: <c>$(NAME)</c> becomes the value when NAME is defined, else stays as written;
    /// <c>$$</c> becomes <c>$</c>; any other <c>$</c> is literal.
    /// </summary>
    public static string Expand(string input, Func<string, string?> lookup)
    {
        if (!input.Contains('$', StringComparison.Ordinal))
        {
            return input;
        }

        var sb = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var ch = input[i];
            if (ch != '$' || i + 1 >= input.Length)
            {
                sb.Append(ch);
                continue;
            }

            var next = input[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i++;
            }
            else if (next == '(')
            {
                var close = input.IndexOf(')', i + 2);
                if (close < 0)
                {
                    sb.Append(input, i, input.Length - i);
                    break;
                }

                var name = input[(i + 2)..close];
                sb.Append(lookup(name) ?? input[i..(close + 1)]);
                i = close;
            }
            else
            {
                sb.Append(ch);
            }
        }

        return sb.ToString();
    }

    private static async Task<string?> ResolveSourceAsync(Pod pod, Container container, EnvVarSource source, string? podIp, string? hostIp, IPodvisorClient client, CancellationToken ct)
    {
        var ns = pod.Metadata.Namespace;
        if (source.FieldRef is { } fieldRef)
        {
            return FieldValue(pod, fieldRef.FieldPath, podIp, hostIp);
        }

        if (source.ConfigMapKeyRef is { } cmKey)
        {
            var cm = await client.ConfigMaps.GetAsync(ns, cmKey.Name ?? "", ct).ConfigureAwait(false);
            if (cm?.Data is { } data && data.TryGetValue(cmKey.Key, out var v))
            {
                return v;
            }

            return cmKey.Optional == true
                ? null
                : throw new ContainerConfigException(cm is null ? $"configmap \"{cmKey.Name}\" not found" : $"couldn't find key {cmKey.Key} in ConfigMap {ns}/{cmKey.Name}");
        }

        if (source.SecretKeyRef is { } secretKey)
        {
            var secret = await client.Secrets.GetAsync(ns, secretKey.Name ?? "", ct).ConfigureAwait(false);
            if (secret?.Data is { } data && data.TryGetValue(secretKey.Key, out var v))
            {
                return Encoding.UTF8.GetString(v);
            }

            return secretKey.Optional == true
                ? null
                : throw new ContainerConfigException(secret is null ? $"secret \"{secretKey.Name}\" not found" : $"couldn't find key {secretKey.Key} in Secret {ns}/{secretKey.Name}");
        }

        if (source.ResourceFieldRef is { } resource)
        {
            var (kind, name) = resource.Resource.Split('.', 2) switch
            {
                [var a, var b] => (a, b),
                _ => ("limits", resource.Resource),
            };
            var target = resource.ContainerName is { Length: > 0 } cn
                ? pod.Spec?.Containers.FirstOrDefault(c => c.Name == cn) ?? container
                : container;
            var quantities = kind == "requests" ? target.Resources?.Requests : target.Resources?.Limits;
            return quantities is not null && quantities.TryGetValue(name, out var q) ? q.Value : "0";
        }

        return "";
    }

    /// <summary>The downward API fields the kubelet supports for env.</summary>
    public static string FieldValue(Pod pod, string fieldPath, string? podIp, string? hostIp)
    {
        const string labelsPrefix = "metadata.labels['";
        const string annotationsPrefix = "metadata.annotations['";
        if (fieldPath.StartsWith(labelsPrefix, StringComparison.Ordinal) && fieldPath.EndsWith("']", StringComparison.Ordinal))
        {
            var key = fieldPath[labelsPrefix.Length..^2];
            return pod.Metadata.Labels is { } l && l.TryGetValue(key, out var v) ? v : "";
        }

        if (fieldPath.StartsWith(annotationsPrefix, StringComparison.Ordinal) && fieldPath.EndsWith("']", StringComparison.Ordinal))
        {
            var key = fieldPath[annotationsPrefix.Length..^2];
            return pod.Metadata.Annotations is { } a && a.TryGetValue(key, out var v) ? v : "";
        }

        return fieldPath switch
        {
            "metadata.name" => pod.Metadata.Name ?? "",
            "metadata.namespace" => pod.Metadata.Namespace ?? "",
            "metadata.uid" => pod.Metadata.Uid ?? "",
            "metadata.labels" => FormatMap(pod.Metadata.Labels),
            "metadata.annotations" => FormatMap(pod.Metadata.Annotations),
            "spec.nodeName" => pod.Spec?.NodeName ?? "",
            "spec.serviceAccountName" => pod.Spec?.ServiceAccountName ?? "",
            "status.podIP" or "status.podIPs" => podIp ?? "",
            "status.hostIP" or "status.hostIPs" => hostIp ?? "",
            _ => throw new ContainerConfigException($"unsupported fieldPath: {fieldPath}"),
        };
    }

    private static string FormatMap(IReadOnlyDictionary<string, string>? map) =>
        map is null ? "" : string.Join('\n', map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}=\"{kv.Value}\""));
}
