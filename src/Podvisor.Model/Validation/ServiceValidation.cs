using System.Globalization;
using Podvisor.Model.Core;

namespace Podvisor.Model.Validation;

/// <summary>core/v1 Service, restating ValidateService in k/k pkg/apis/core/validation/validation.go.</summary>
internal static class ServiceValidation
{
    public static List<FieldError> ValidateSpec(ServiceSpec? spec)
    {
        spec ??= new ServiceSpec();
        var path = FieldPath.Root("spec");
        var errs = new List<FieldError>();
        var ports = spec.Ports ?? [];
        var headless = spec.ClusterIP == "None";

        if (ports.Count == 0 && !headless && spec.Type != "ExternalName")
        {
            errs.Add(path.Child("ports").Required());
        }

        if (spec.Type == "ExternalName")
        {
            if (spec.ClusterIPs is { Count: > 0 })
            {
                errs.Add(path.Child("clusterIPs").Forbidden("may not be set for ExternalName services"));
            }

            var cname = (spec.ExternalName ?? "").TrimEnd('.');
            if (cname.Length > 0)
            {
                errs.AddRange(NameRules.IsDns1123Subdomain(cname).Select(m => path.Child("externalName").Invalid(cname, m)));
            }
            else
            {
                errs.Add(path.Child("externalName").Required());
            }
        }
        else
        {
            ValidateClusterIPs(spec, path, errs);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            ValidatePort(ports[i], ports.Count > 1, names, path.Child("ports").Index(i), errs);
        }

        if (spec.Selector is not null)
        {
            errs.AddRange(MetaValidation.ValidateLabels(spec.Selector, path.Child("selector")));
        }

        switch (spec.SessionAffinity)
        {
            case null or "":
                errs.Add(path.Child("sessionAffinity").Required());
                break;
            case "ClientIP" or "None":
                break;
            default:
                errs.Add(path.Child("sessionAffinity").NotSupported(spec.SessionAffinity, "ClientIP", "None"));
                break;
        }

        switch (spec.Type)
        {
            case null or "":
                errs.Add(path.Child("type").Required());
                break;
            case "ClusterIP" or "ExternalName" or "LoadBalancer" or "NodePort":
                break;
            default:
                errs.Add(path.Child("type").NotSupported(spec.Type, "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"));
                break;
        }

        if (spec.Type == "ClusterIP")
        {
            for (var i = 0; i < ports.Count; i++)
            {
                if (ports[i].NodePort is { } np and not 0)
                {
                    errs.Add(path.Child("ports").Index(i).Child("nodePort").Forbidden("may not be used when `type` is 'ClusterIP'"));
                }
            }
        }

        var seen = new HashSet<(string, int)>();
        for (var i = 0; i < ports.Count; i++)
        {
            var key = (ports[i].Protocol ?? "", ports[i].Port);
            if (!seen.Add(key))
            {
                errs.Add(path.Child("ports").Index(i).Duplicate(new GoLiteral(
                    $"core.ServicePort{{Name:\"\", Protocol:{GoFormat.Quote(key.Item1)}, AppProtocol:(*string)(nil), Port:{key.Item2.ToString(CultureInfo.InvariantCulture)}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}")));
            }
        }

        return errs;
    }

    private static void ValidateClusterIPs(ServiceSpec spec, FieldPath path, List<FieldError> errs)
    {
        if (!string.IsNullOrEmpty(spec.ClusterIP) && spec.ClusterIP != "None" && !NameRules.IsIP(spec.ClusterIP))
        {
            errs.Add(path.Child("clusterIP").Invalid(spec.ClusterIP, "must be empty, 'None', or a valid IP address"));
        }

        var ips = spec.ClusterIPs ?? [];
        for (var i = 0; i < ips.Count; i++)
        {
            if (ips[i] != "None" && !NameRules.IsIP(ips[i]))
            {
                errs.Add(path.Child("clusterIPs").Index(i).Invalid(ips[i], "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
            }
        }
    }

    private static void ValidatePort(ServicePort port, bool requireName, HashSet<string> names, FieldPath path, List<FieldError> errs)
    {
        if (requireName && string.IsNullOrEmpty(port.Name))
        {
            errs.Add(path.Child("name").Required());
        }
        else if (!string.IsNullOrEmpty(port.Name))
        {
            errs.AddRange(NameRules.IsDns1123Label(port.Name).Select(m => path.Child("name").Invalid(port.Name, m)));
            if (!names.Add(port.Name))
            {
                errs.Add(path.Child("name").Duplicate(port.Name));
            }
        }

        errs.AddRange(NameRules.IsValidPortNum(port.Port).Select(m => path.Child("port").Invalid(port.Port, m)));
        PodSpecValidation.ValidateProtocol(port.Protocol, path.Child("protocol"), errs);
        PodSpecValidation.ValidatePortNumOrName(port.TargetPort ?? Meta.IntOrString.FromInt(0), path.Child("targetPort"), errs);
        if (port.NodePort is { } nodePort and not 0)
        {
            errs.AddRange(NameRules.IsValidPortNum(nodePort).Select(m => path.Child("nodePort").Invalid(nodePort, m)));
        }
    }
}
