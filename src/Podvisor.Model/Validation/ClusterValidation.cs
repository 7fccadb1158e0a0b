using System.Text;
using Podvisor.Model.Core;
using Podvisor.Model.Discovery;

namespace Podvisor.Model.Validation;

/// <summary>The smaller kinds: Namespace, Node, ConfigMap, Secret, Endpoints, EndpointSlice, Event.</summary>
internal static class ClusterValidation
{
    public const int MaxSecretSize = 1024 * 1024;

    private const string IpError = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

    public static List<FieldError> ValidateNamespaceSpec(NamespaceSpec? spec)
    {
        var errs = new List<FieldError>();
        var finalizers = spec?.Finalizers ?? [];
        var path = FieldPath.Root("spec").Child("finalizers");
        foreach (var f in finalizers)
        {
            var msgs = NameRules.IsQualifiedName(f);
            errs.AddRange(msgs.Select(m => path.Invalid(f, m)));
            if (msgs.Count == 0 && !f.Contains('/', StringComparison.Ordinal) && f is not ("kubernetes" or "orphan" or "foregroundDeletion"))
            {
                errs.Add(path.Invalid(f, "name is neither a standard finalizer name nor is it fully qualified"));
            }
        }

        return errs;
    }

    public static List<FieldError> ValidateNodeSpec(NodeSpec? spec)
    {
        var errs = new List<FieldError>();
        if (spec is null)
        {
            return errs;
        }

        var path = FieldPath.Root("spec");
        var cidrs = spec.PodCIDRs ?? [];
        for (var i = 0; i < cidrs.Count; i++)
        {
            if (!IsCidr(cidrs[i]))
            {
                errs.Add(path.Child("podCIDRs").Index(i).Invalid(cidrs[i], "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
            }
        }

        var taints = spec.Taints ?? [];
        var unique = new HashSet<(string, string)>();
        for (var i = 0; i < taints.Count; i++)
        {
            var t = taints[i];
            var p = path.Child("taints").Index(i);
            errs.AddRange(MetaValidation.ValidateLabelName(t.Key, p.Child("key")));
            var valueErrs = NameRules.IsValidLabelValue(t.Value ?? "");
            if (valueErrs.Count != 0)
            {
                errs.Add(p.Child("value").Invalid(t.Value ?? "", string.Join(";", valueErrs)));
            }

            PodSpecValidation.ValidateTaintEffect(t.Effect, allowEmpty: false, p.Child("effect"), errs);
            if (!unique.Add((t.Key, t.Effect)))
            {
                errs.Add(new FieldError(p.ToString(), FieldErrorType.Duplicate,
                    new GoLiteral($"core.Taint{{Key:{GoFormat.Quote(t.Key)}, Value:{GoFormat.Quote(t.Value ?? "")}, Effect:{GoFormat.Quote(t.Effect)}, TimeAdded:<nil>}}"),
                    "taints must be unique by key and effect pair"));
            }
        }

        return errs;
    }

    public static List<FieldError> ValidateConfigMapData(ConfigMap configMap)
    {
        var errs = new List<FieldError>();
        long total = 0;
        var data = FieldPath.Root("data");
        var binary = FieldPath.Root("binaryData");
        foreach (var (key, value) in (configMap.Data ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            errs.AddRange(NameRules.IsConfigMapKey(key).Select(m => data.Key(key).Invalid(key, m)));
            if (configMap.BinaryData?.ContainsKey(key) == true)
            {
                errs.Add(data.Key(key).Invalid(key, "duplicate of key present in binaryData"));
            }

            total += Encoding.UTF8.GetByteCount(value);
        }

        foreach (var (key, value) in (configMap.BinaryData ?? new Dictionary<string, byte[]>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            errs.AddRange(NameRules.IsConfigMapKey(key).Select(m => binary.Key(key).Invalid(key, m)));
            total += value.Length;
        }

        if (total > MaxSecretSize)
        {
            errs.Add(FieldPath.Root("").TooLong("", MaxSecretSize));
        }

        return errs;
    }

    /// <summary>stringData is merged into data before validation (as the v1 conversion does), so its keys report as data[key].</summary>
    public static List<FieldError> ValidateSecretData(Secret secret)
    {
        var errs = new List<FieldError>();
        var dataPath = FieldPath.Root("data");
        var data = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (k, v) in secret.Data ?? new Dictionary<string, byte[]>())
        {
            data[k] = v.Length;
        }

        foreach (var (k, v) in secret.StringData ?? new Dictionary<string, string>())
        {
            data[k] = Encoding.UTF8.GetByteCount(v);
        }

        long total = 0;
        foreach (var (key, size) in data.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            errs.AddRange(NameRules.IsConfigMapKey(key).Select(m => dataPath.Key(key).Invalid(key, m)));
            total += size;
        }

        if (total > MaxSecretSize)
        {
            errs.Add(dataPath.TooLong("", MaxSecretSize));
        }

        void RequireKey(string key)
        {
            if (!data.ContainsKey(key))
            {
                errs.Add(dataPath.Key(key).Required());
            }
        }

        switch (secret.Type)
        {
            case "kubernetes.io/service-account-token":
                if (secret.Metadata.Annotations?.ContainsKey("kubernetes.io/service-account.name") != true)
                {
                    errs.Add(FieldPath.Root("metadata").Child("annotations").Key("kubernetes.io/service-account.name").Required());
                }

                break;
            case "kubernetes.io/dockercfg":
                RequireKey(".dockercfg");
                break;
            case "kubernetes.io/dockerconfigjson":
                RequireKey(".dockerconfigjson");
                break;
            case "kubernetes.io/basic-auth":
                if (!data.ContainsKey("username") && !data.ContainsKey("password"))
                {
                    errs.Add(dataPath.Key("username").Required());
                    errs.Add(dataPath.Key("password").Required());
                }

                break;
            case "kubernetes.io/ssh-auth":
                RequireKey("ssh-privatekey");
                break;
            case "kubernetes.io/tls":
                RequireKey("tls.crt");
                RequireKey("tls.key");
                break;
        }

        return errs;
    }

    /// <summary>
    /// Endpoints subsets. Unlike upstream, loopback and link-local addresses are accepted: with the process runtime a
    /// pod's IP is the host's, which on a single machine may be 127.0.0.1.
    /// </summary>
    public static List<FieldError> ValidateEndpointSubsets(IReadOnlyList<EndpointSubset>? subsets)
    {
        var errs = new List<FieldError>();
        subsets ??= [];
        var path = FieldPath.Root("subsets");
        for (var i = 0; i < subsets.Count; i++)
        {
            var ss = subsets[i];
            var p = path.Index(i);
            if ((ss.Addresses?.Count ?? 0) == 0 && (ss.NotReadyAddresses?.Count ?? 0) == 0)
            {
                errs.Add(p.Required("must specify `addresses` or `notReadyAddresses`"));
            }

            ValidateAddresses(ss.Addresses ?? [], p.Child("addresses"), errs);
            ValidateAddresses(ss.NotReadyAddresses ?? [], p.Child("notReadyAddresses"), errs);
            var ports = ss.Ports ?? [];
            for (var j = 0; j < ports.Count; j++)
            {
                var port = ports[j];
                var pp = p.Child("ports").Index(j);
                if (ports.Count > 1 && string.IsNullOrEmpty(port.Name))
                {
                    errs.Add(pp.Child("name").Required());
                }
                else if (!string.IsNullOrEmpty(port.Name))
                {
                    errs.AddRange(NameRules.IsDns1123Label(port.Name).Select(m => pp.Child("name").Invalid(port.Name, m)));
                }

                errs.AddRange(NameRules.IsValidPortNum(port.Port).Select(m => pp.Child("port").Invalid(port.Port, m)));
                PodSpecValidation.ValidateProtocol(port.Protocol, pp.Child("protocol"), errs);
            }
        }

        return errs;
    }

    private static void ValidateAddresses(IReadOnlyList<EndpointAddress> addresses, FieldPath path, List<FieldError> errs)
    {
        for (var i = 0; i < addresses.Count; i++)
        {
            var a = addresses[i];
            var p = path.Index(i);
            if (!NameRules.IsIP(a.Ip))
            {
                errs.Add(p.Child("ip").Invalid(a.Ip, IpError));
            }

            if (!string.IsNullOrEmpty(a.Hostname))
            {
                errs.AddRange(NameRules.IsDns1123Label(a.Hostname).Select(m => p.Child("hostname").Invalid(a.Hostname, m)));
            }

            if (!string.IsNullOrEmpty(a.NodeName))
            {
                errs.AddRange(NameRules.IsDns1123Subdomain(a.NodeName).Select(m => p.Child("nodeName").Invalid(a.NodeName, m)));
            }
        }
    }

    public static List<FieldError> ValidateEndpointSliceBody(EndpointSlice slice)
    {
        var errs = new List<FieldError>();
        var endpointsPath = FieldPath.Root("endpoints");
        if (slice.Endpoints.Count > 1000)
        {
            errs.Add(endpointsPath.TooMany(slice.Endpoints.Count, 1000));
        }

        for (var i = 0; i < slice.Endpoints.Count; i++)
        {
            var ep = slice.Endpoints[i];
            var p = endpointsPath.Index(i);
            var addressPath = p.Child("addresses");
            if (ep.Addresses.Count == 0)
            {
                errs.Add(addressPath.Required("must contain at least 1 address"));
            }
            else if (ep.Addresses.Count > 100)
            {
                errs.Add(addressPath.TooMany(ep.Addresses.Count, 100));
            }

            for (var j = 0; j < ep.Addresses.Count; j++)
            {
                var address = ep.Addresses[j];
                switch (slice.AddressType)
                {
                    case "IPv4" when !NameRules.IsIPv4(address):
                        errs.Add(addressPath.Index(j).Invalid(address, "must be a valid IPv4 address"));
                        break;
                    case "IPv6" when !NameRules.IsIPv6(address):
                        errs.Add(addressPath.Index(j).Invalid(address, "must be a valid IPv6 address"));
                        break;
                    case "FQDN":
                        errs.AddRange(NameRules.IsDns1123Subdomain(address).Select(m => addressPath.Index(j).Invalid(address, m)));
                        break;
                }
            }

            if (ep.NodeName is { } nodeName)
            {
                errs.AddRange(NameRules.IsDns1123Subdomain(nodeName).Select(m => p.Child("nodeName").Invalid(nodeName, m)));
            }

            if (ep.Hostname is { } hostname)
            {
                errs.AddRange(NameRules.IsDns1123Label(hostname).Select(m => p.Child("hostname").Invalid(hostname, m)));
            }
        }

        var ports = slice.Ports ?? [];
        var portsPath = FieldPath.Root("ports");
        if (ports.Count > 100)
        {
            errs.Add(portsPath.TooMany(ports.Count, 100));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var p = portsPath.Index(i);
            var name = port.Name ?? "";
            if (name.Length > 0)
            {
                errs.AddRange(NameRules.IsDns1123Label(name).Select(m => p.Child("name").Invalid(name, m)));
            }

            if (!names.Add(name))
            {
                errs.Add(p.Child("name").Duplicate(name));
            }

            PodSpecValidation.ValidateProtocol(port.Protocol, p.Child("protocol"), errs);
        }

        switch (slice.AddressType)
        {
            case "":
                errs.Add(FieldPath.Root("addressType").Required());
                break;
            case "FQDN" or "IPv4" or "IPv6":
                break;
            default:
                errs.Add(FieldPath.Root("addressType").NotSupported(slice.AddressType, "FQDN", "IPv4", "IPv6"));
                break;
        }

        return errs;
    }

    public static List<FieldError> ValidateEventBody(Event ev)
    {
        var errs = new List<FieldError>();
        var involved = ev.InvolvedObject;
        var ns = ev.Metadata.Namespace ?? "";
        if (!string.IsNullOrEmpty(involved.Namespace) && !string.IsNullOrEmpty(ns) && involved.Namespace != ns)
        {
            errs.Add(FieldPath.Root("involvedObject").Child("namespace").Invalid(involved.Namespace, "does not match event.namespace"));
        }

        if (!string.IsNullOrEmpty(ev.Type) && ev.Type is not ("Normal" or "Warning"))
        {
            errs.Add(FieldPath.Root("type").NotSupported(ev.Type, "Normal", "Warning"));
        }

        return errs;
    }

    private static bool IsCidr(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !NameRules.IsIP(value[..slash]) ||
            !int.TryParse(value.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }

        return bits <= (NameRules.IsIPv4(value[..slash]) ? 32 : 128);
    }
}
