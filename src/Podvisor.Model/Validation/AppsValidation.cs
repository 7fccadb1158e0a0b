using System.Globalization;
using Podvisor.Model.Apps;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Validation;

/// <summary>apps/v1 Deployment and ReplicaSet, restating k/k pkg/apis/apps/validation/validation.go.</summary>
internal static class AppsValidation
{
    public static List<FieldError> ValidateDeploymentSpec(DeploymentSpec? spec)
    {
        spec ??= new DeploymentSpec();
        var path = FieldPath.Root("spec");
        var errs = new List<FieldError>();
        NonNegative(spec.Replicas, path.Child("replicas"), errs);
        ValidateSelectorAndTemplate(spec.Selector, spec.Template, path, errs);
        ValidateStrategy(spec.Strategy, path.Child("strategy"), errs);
        NonNegative(spec.MinReadySeconds, path.Child("minReadySeconds"), errs);
        NonNegative(spec.RevisionHistoryLimit, path.Child("revisionHistoryLimit"), errs);
        if (spec.ProgressDeadlineSeconds is { } deadline)
        {
            NonNegative(deadline, path.Child("progressDeadlineSeconds"), errs);
            if (deadline <= (spec.MinReadySeconds ?? 0))
            {
                errs.Add(path.Child("progressDeadlineSeconds").Invalid(deadline, "must be greater than minReadySeconds"));
            }
        }

        return errs;
    }

    public static List<FieldError> ValidateReplicaSetSpec(ReplicaSetSpec? spec)
    {
        spec ??= new ReplicaSetSpec();
        var path = FieldPath.Root("spec");
        var errs = new List<FieldError>();
        NonNegative(spec.Replicas, path.Child("replicas"), errs);
        NonNegative(spec.MinReadySeconds, path.Child("minReadySeconds"), errs);
        ValidateSelectorAndTemplate(spec.Selector, spec.Template ?? new PodTemplateSpec(), path, errs);
        return errs;
    }

    /// <summary>Selector required, non-empty and valid; the template's labels must match it; template restartPolicy Always.</summary>
    private static void ValidateSelectorAndTemplate(LabelSelector? selector, PodTemplateSpec template, FieldPath path, List<FieldError> errs)
    {
        var selectorPath = path.Child("selector");
        if (selector is null)
        {
            errs.Add(selectorPath.Required());
        }
        else
        {
            errs.AddRange(MetaValidation.ValidateLabelSelector(selector, selectorPath));
            if ((selector.MatchLabels?.Count ?? 0) + (selector.MatchExpressions?.Count ?? 0) == 0)
            {
                // Upstream says "deployment" for replica sets too.
                errs.Add(selectorPath.Invalid(MetaValidation.SelectorLiteral(selector), "empty selector is invalid for deployment"));
            }
        }

        var templatePath = path.Child("template");
        var labels = template.Metadata?.Labels;
        var isEmpty = selector is not null && (selector.MatchLabels?.Count ?? 0) + (selector.MatchExpressions?.Count ?? 0) == 0;
        switch (MetaValidation.SelectorMatches(selector, labels))
        {
            case null:
                errs.Add(selectorPath.Invalid(MetaValidation.SelectorLiteral(selector!), "invalid label selector"));
                return;
            case false when !isEmpty:
                errs.Add(templatePath.Child("metadata", "labels").Invalid(GoFormat.StringMap(labels), "`selector` does not match template `labels`"));
                break;
        }

        var metaPath = templatePath.Child("metadata");
        errs.AddRange(MetaValidation.ValidateAnnotations(template.Metadata?.Annotations, metaPath.Child("annotations")));
        errs.AddRange(MetaValidation.ValidateLabels(labels, metaPath.Child("labels")));
        errs.AddRange(PodSpecValidation.Validate(template.Spec, templatePath.Child("spec")));

        var restartPolicy = template.Spec?.RestartPolicy ?? "";
        if (restartPolicy != "Always")
        {
            errs.Add(templatePath.Child("spec", "restartPolicy").NotSupported(restartPolicy, "Always"));
        }

        if (template.Spec?.ActiveDeadlineSeconds is { } deadline)
        {
            errs.Add(templatePath.Child("spec", "activeDeadlineSeconds").Invalid(deadline, "activeDeadlineSeconds in ReplicaSet is not Supported"));
        }
    }

    private static void ValidateStrategy(DeploymentStrategy? strategy, FieldPath path, List<FieldError> errs)
    {
        switch (strategy?.Type)
        {
            case "Recreate":
                if (strategy.RollingUpdate is not null)
                {
                    errs.Add(path.Child("rollingUpdate").Forbidden("may not be specified when strategy `type` is 'Recreate'"));
                }

                break;
            case "RollingUpdate":
                if (strategy.RollingUpdate is not { } ru)
                {
                    errs.Add(path.Child("rollingUpdate").Required("this should be defaulted and never be nil"));
                }
                else
                {
                    ValidateRollingUpdate(ru, path.Child("rollingUpdate"), errs);
                }

                break;
            default:
                var literal = new GoLiteral($"apps.DeploymentStrategy{{Type:{GoFormat.Quote(strategy?.Type ?? "")}, RollingUpdate:{(strategy?.RollingUpdate is null ? "(*apps.RollingUpdateDeployment)(nil)" : "&apps.RollingUpdateDeployment{...}")}}}");
                errs.Add(path.NotSupported(literal, "Recreate", "RollingUpdate"));
                break;
        }
    }

    private static void ValidateRollingUpdate(RollingUpdateDeployment ru, FieldPath path, List<FieldError> errs)
    {
        // Unset values count as 0, as a zero IntOrString does upstream (defaulting fills both with 25%).
        var maxUnavailable = ru.MaxUnavailable ?? IntOrString.FromInt(0);
        var maxSurge = ru.MaxSurge ?? IntOrString.FromInt(0);
        ValidatePositiveIntOrPercent(maxUnavailable, path.Child("maxUnavailable"), errs);
        ValidatePositiveIntOrPercent(maxSurge, path.Child("maxSurge"), errs);
        if (IntOrPercentValue(maxUnavailable) == 0 && IntOrPercentValue(maxSurge) == 0)
        {
            errs.Add(path.Child("maxUnavailable").Invalid(IntOrStringLiteral(maxUnavailable), "may not be 0 when `maxSurge` is 0"));
        }

        if (PercentValue(maxUnavailable) is > 100)
        {
            errs.Add(path.Child("maxUnavailable").Invalid(maxUnavailable.StringValue, "must not be greater than 100%"));
        }
    }

    private static void ValidatePositiveIntOrPercent(IntOrString value, FieldPath path, List<FieldError> errs)
    {
        if (value.StringValue is { } s)
        {
            errs.AddRange(NameRules.IsValidPercent(s).Select(m => path.Invalid(IntOrStringLiteral(value), m)));
        }
        else if (value.IntValue is < 0)
        {
            errs.Add(path.Invalid((long)value.IntValue.Value, Messages.NonNegative));
        }
    }

    private static int IntOrPercentValue(IntOrString value) =>
        value.StringValue is null ? value.IntValue ?? 0 : PercentValue(value) ?? -1;

    private static int? PercentValue(IntOrString value) =>
        value.StringValue is { } s && s.EndsWith('%') &&
        int.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            ? p
            : null;

    /// <summary>%#v of an intstr.IntOrString, as upstream prints it (Type 0 = int, 1 = string).</summary>
    internal static GoLiteral IntOrStringLiteral(IntOrString value) => value.StringValue is { } s
        ? new GoLiteral($"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{GoFormat.Quote(s)}}}")
        : new GoLiteral($"intstr.IntOrString{{Type:0, IntVal:{(value.IntValue ?? 0).ToString(CultureInfo.InvariantCulture)}, StrVal:\"\"}}");

    private static void NonNegative(int? value, FieldPath path, List<FieldError> errs)
    {
        if (value is < 0)
        {
            errs.Add(path.Invalid((long)value.Value, Messages.NonNegative));
        }
    }
}
