using System.Text;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Validation;

/// <summary>How a kind's metadata.name is checked (apimachinery's ValidateNameFunc).</summary>
internal enum NameRule
{
    /// <summary>Pods, deployments, config maps, secrets, nodes...: at most 253 characters.</summary>
    Dns1123Subdomain,

    /// <summary>Namespaces: at most 63 characters.</summary>
    Dns1123Label,

    /// <summary>Services: a DNS label that starts with a letter.</summary>
    Dns1035Label,
}

/// <summary>ObjectMeta, labels, annotations and label selectors (apimachinery's ValidateObjectMeta and friends).</summary>
internal static class MetaValidation
{
    public const int TotalAnnotationSizeLimitBytes = 256 * 1024;

    public static List<string> ValidateName(NameRule rule, string name, bool prefix)
    {
        if (prefix && name.Length > 1 && name.EndsWith('-'))
        {
            // A generateName may end in '-': the generated suffix follows it.
            name = name[..^2] + "a";
        }

        return rule switch
        {
            NameRule.Dns1123Label => NameRules.IsDns1123Label(name),
            NameRule.Dns1035Label => NameRules.IsDns1035Label(name),
            _ => NameRules.IsDns1123Subdomain(name),
        };
    }

    /// <summary>
    /// metadata of a new object. A name is required unless generateName is set (the API generates the name before
    /// storing); the namespace is checked when present (the API fills it from the request path) and forbidden on
    /// cluster-scoped kinds.
    /// </summary>
    public static List<FieldError> ValidateObjectMeta(ObjectMeta meta, bool namespaced, NameRule rule)
    {
        var path = FieldPath.Root("metadata");
        var errs = new List<FieldError>();
        if (!string.IsNullOrEmpty(meta.GenerateName))
        {
            errs.AddRange(ValidateName(rule, meta.GenerateName, prefix: true).Select(m => path.Child("generateName").Invalid(meta.GenerateName, m)));
        }

        if (string.IsNullOrEmpty(meta.Name))
        {
            if (string.IsNullOrEmpty(meta.GenerateName))
            {
                errs.Add(path.Child("name").Required("name or generateName is required"));
            }
        }
        else
        {
            errs.AddRange(ValidateName(rule, meta.Name, prefix: false).Select(m => path.Child("name").Invalid(meta.Name, m)));
        }

        if (namespaced)
        {
            if (!string.IsNullOrEmpty(meta.Namespace))
            {
                errs.AddRange(NameRules.IsDns1123Label(meta.Namespace).Select(m => path.Child("namespace").Invalid(meta.Namespace, m)));
            }
        }
        else if (!string.IsNullOrEmpty(meta.Namespace))
        {
            errs.Add(path.Child("namespace").Forbidden("not allowed on this type"));
        }

        if (meta.Generation is < 0)
        {
            errs.Add(path.Child("generation").Invalid(meta.Generation.Value, Messages.NonNegative));
        }

        errs.AddRange(ValidateLabels(meta.Labels, path.Child("labels")));
        errs.AddRange(ValidateAnnotations(meta.Annotations, path.Child("annotations")));
        errs.AddRange(ValidateFinalizers(meta.Finalizers, path.Child("finalizers")));
        return errs;
    }

    /// <summary>metadata on update: name, namespace and uid may not change; the new metadata must itself be valid.</summary>
    public static List<FieldError> ValidateObjectMetaUpdate(ObjectMeta newMeta, ObjectMeta oldMeta)
    {
        var path = FieldPath.Root("metadata");
        var errs = new List<FieldError>();
        if (!string.Equals(newMeta.Name ?? "", oldMeta.Name ?? "", StringComparison.Ordinal))
        {
            errs.Add(path.Child("name").Invalid(newMeta.Name ?? "", Messages.Immutable));
        }

        if (!string.Equals(newMeta.Namespace ?? "", oldMeta.Namespace ?? "", StringComparison.Ordinal))
        {
            errs.Add(path.Child("namespace").Invalid(newMeta.Namespace ?? "", Messages.Immutable));
        }

        if (!string.IsNullOrEmpty(oldMeta.Uid) && !string.Equals(newMeta.Uid ?? "", oldMeta.Uid, StringComparison.Ordinal))
        {
            errs.Add(path.Child("uid").Invalid(newMeta.Uid ?? "", Messages.Immutable));
        }

        if (newMeta.Generation is < 0)
        {
            errs.Add(path.Child("generation").Invalid(newMeta.Generation.Value, Messages.NonNegative));
        }

        errs.AddRange(ValidateLabels(newMeta.Labels, path.Child("labels")));
        errs.AddRange(ValidateAnnotations(newMeta.Annotations, path.Child("annotations")));
        errs.AddRange(ValidateFinalizers(newMeta.Finalizers, path.Child("finalizers")));
        return errs;
    }

    public static List<FieldError> ValidateLabelName(string key, FieldPath path) =>
        NameRules.IsQualifiedName(key).Select(m => path.Invalid(key, m)).ToList();

    /// <summary>Every key a qualified name, every value a label value; errors on the map's path (e.g. metadata.labels).</summary>
    public static List<FieldError> ValidateLabels(IReadOnlyDictionary<string, string>? labels, FieldPath path)
    {
        var errs = new List<FieldError>();
        if (labels is null)
        {
            return errs;
        }

        foreach (var (key, value) in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            errs.AddRange(ValidateLabelName(key, path));
            errs.AddRange(NameRules.IsValidLabelValue(value).Select(m => path.Invalid(value, m)));
        }

        return errs;
    }

    public static List<FieldError> ValidateAnnotations(IReadOnlyDictionary<string, string>? annotations, FieldPath path)
    {
        var errs = new List<FieldError>();
        if (annotations is null)
        {
            return errs;
        }

        long total = 0;
        foreach (var (key, value) in annotations.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            errs.AddRange(NameRules.IsQualifiedName(key.ToLowerInvariant()).Select(m => path.Invalid(key, m)));
            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value);
        }

        if (total > TotalAnnotationSizeLimitBytes)
        {
            errs.Add(path.TooLong("", TotalAnnotationSizeLimitBytes));
        }

        return errs;
    }

    private static List<FieldError> ValidateFinalizers(IReadOnlyList<string>? finalizers, FieldPath path)
    {
        var errs = new List<FieldError>();
        if (finalizers is null)
        {
            return errs;
        }

        foreach (var f in finalizers)
        {
            errs.AddRange(NameRules.IsQualifiedName(f).Select(m => path.Invalid(f, m)));
        }

        return errs;
    }

    public static List<FieldError> ValidateLabelSelector(LabelSelector? selector, FieldPath path)
    {
        var errs = new List<FieldError>();
        if (selector is null)
        {
            return errs;
        }

        errs.AddRange(ValidateLabels(selector.MatchLabels, path.Child("matchLabels")));
        var exprs = selector.MatchExpressions ?? [];
        for (var i = 0; i < exprs.Count; i++)
        {
            var expr = exprs[i];
            var p = path.Child("matchExpressions").Index(i);
            var values = expr.Values ?? [];
            switch (expr.Operator)
            {
                case "In" or "NotIn":
                    if (values.Count == 0)
                    {
                        errs.Add(p.Child("values").Required("must be specified when `operator` is 'In' or 'NotIn'"));
                    }

                    break;
                case "Exists" or "DoesNotExist":
                    if (values.Count > 0)
                    {
                        errs.Add(p.Child("values").Forbidden("may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }

                    break;
                default:
                    errs.Add(p.Child("operator").Invalid(expr.Operator, "not a valid selector operator"));
                    break;
            }

            errs.AddRange(ValidateLabelName(expr.Key, p.Child("key")));
            for (var v = 0; v < values.Count; v++)
            {
                errs.AddRange(NameRules.IsValidLabelValue(values[v]).Select(m => p.Child("values").Index(v).Invalid(values[v], m)));
            }
        }

        return errs;
    }

    /// <summary>
    /// metav1.LabelSelectorAsSelector then Matches: a null selector matches nothing, an empty one everything;
    /// null when the selector cannot be converted (an unknown operator, an invalid key or value).
    /// </summary>
    public static bool? SelectorMatches(LabelSelector? selector, IReadOnlyDictionary<string, string>? labels)
    {
        if (selector is null)
        {
            return false;
        }

        // LabelSelectorAsSelector builds each requirement through NewRequirement, which rejects what
        // ValidateLabelSelector rejects (bad keys or values, In without values, Exists with values).
        if (ValidateLabelSelector(selector, FieldPath.Root("selector")).Count != 0)
        {
            return null;
        }

        labels ??= new Dictionary<string, string>();
        var matches = true;
        foreach (var (k, v) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            matches &= labels.TryGetValue(k, out var actual) && actual == v;
        }

        foreach (var expr in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(expr.Key, out var actual);
            var values = expr.Values ?? [];
            bool? ok = expr.Operator switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => null,
            };
            if (ok is null)
            {
                return null;
            }

            matches &= ok.Value;
        }

        return matches;
    }

    /// <summary>%#v of a *metav1.LabelSelector, as apimachinery prints it in "empty selector" errors.</summary>
    public static GoLiteral SelectorLiteral(LabelSelector selector)
    {
        var labels = GoFormat.StringMap(selector.MatchLabels).Text;
        var exprs = selector.MatchExpressions is null
            ? "[]v1.LabelSelectorRequirement(nil)"
            : "[]v1.LabelSelectorRequirement{" + string.Join(", ", selector.MatchExpressions.Select(e =>
                $"v1.LabelSelectorRequirement{{Key:{GoFormat.Quote(e.Key)}, Operator:{GoFormat.Quote(e.Operator)}, Values:{GoFormat.StringSlice(e.Values)}}}")) + "}";
        return new GoLiteral($"v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{exprs}}}");
    }
}

/// <summary>Detail strings shared by several rules, verbatim from Kubernetes.</summary>
internal static class Messages
{
    public const string NonNegative = "must be greater than or equal to 0";
    public const string Immutable = "field is immutable";
}
