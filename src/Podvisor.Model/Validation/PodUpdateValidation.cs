using System.Text;
using System.Text.Json.Nodes;
using Podvisor.Model.Core;
using Podvisor.Model.Serialization;

namespace Podvisor.Model.Validation;

/// <summary>ValidatePodUpdate of k/k pkg/apis/core/validation/validation.go: a pod's spec is immutable but for a few fields.</summary>
internal static class PodUpdateValidation
{
    public const string SpecImmutableMessage =
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`," +
        "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations)," +
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    public static List<FieldError> Validate(Pod newPod, Pod oldPod)
    {
        var errs = MetaValidation.ValidateObjectMetaUpdate(newPod.Metadata, oldPod.Metadata);
        var specPath = FieldPath.Root("spec");
        errs.AddRange(PodSpecValidation.Validate(newPod.Spec, specPath));

        var newSpec = newPod.Spec ?? new PodSpec();
        var oldSpec = oldPod.Spec ?? new PodSpec();

        if (ContainerCountChanged(newSpec.Containers, oldSpec.Containers, specPath.Child("containers"), errs) ||
            ContainerCountChanged(newSpec.InitContainers ?? [], oldSpec.InitContainers ?? [], specPath.Child("initContainers"), errs))
        {
            return errs;
        }

        if (newSpec.ActiveDeadlineSeconds is { } newDeadline)
        {
            if (newDeadline < 0 || newDeadline > int.MaxValue)
            {
                errs.Add(specPath.Child("activeDeadlineSeconds").Invalid(newDeadline, NameRules.InclusiveRangeError(0, int.MaxValue)));
                return errs;
            }

            if (oldSpec.ActiveDeadlineSeconds is { } oldDeadline && oldDeadline < newDeadline)
            {
                errs.Add(specPath.Child("activeDeadlineSeconds").Invalid(newDeadline, "must be less than or equal to previous value"));
                return errs;
            }
        }
        else if (oldSpec.ActiveDeadlineSeconds is not null)
        {
            errs.Add(specPath.Child("activeDeadlineSeconds").Invalid(null, "must not update from a positive integer to nil value"));
        }

        foreach (var old in oldSpec.Tolerations ?? [])
        {
            if (!(newSpec.Tolerations ?? []).Any(t => t with { TolerationSeconds = null } == old with { TolerationSeconds = null }))
            {
                errs.Add(specPath.Child("tolerations").Forbidden("existing toleration can not be modified except its tolerationSeconds"));
                break;
            }
        }

        var munged = newSpec with
        {
            Containers = [.. newSpec.Containers.Select((c, i) => c with { Image = oldSpec.Containers[i].Image })],
            InitContainers = newSpec.InitContainers is null || oldSpec.InitContainers is null
                ? newSpec.InitContainers
                : [.. newSpec.InitContainers.Select((c, i) => c with { Image = oldSpec.InitContainers[i].Image })],
            ActiveDeadlineSeconds = oldSpec.ActiveDeadlineSeconds,
            Tolerations = oldSpec.Tolerations,
            TerminationGracePeriodSeconds = oldSpec.TerminationGracePeriodSeconds is < 0 && newSpec.TerminationGracePeriodSeconds == 1
                ? oldSpec.TerminationGracePeriodSeconds
                : newSpec.TerminationGracePeriodSeconds,
        };

        var oldJson = SpecJson(oldSpec);
        var mungedJson = SpecJson(munged);
        if (!JsonNode.DeepEquals(oldJson, mungedJson))
        {
            errs.Add(specPath.Forbidden(SpecImmutableMessage + "\n" + Diff(oldJson, mungedJson)));
        }

        return errs;
    }

    private static bool ContainerCountChanged(IReadOnlyList<Container> newContainers, IReadOnlyList<Container> oldContainers, FieldPath path, List<FieldError> errs)
    {
        if (newContainers.Count == oldContainers.Count)
        {
            return false;
        }

        errs.Add(path.Forbidden("pod updates may not add or remove containers"));
        return true;
    }

    private static JsonObject SpecJson(PodSpec spec) =>
        KubeJson.ToNode(new Pod { Spec = spec })["spec"] as JsonObject ?? [];

    /// <summary>A short diff of the spec's changed top-level fields, standing in for upstream's cmp.Diff.</summary>
    private static string Diff(JsonObject oldSpec, JsonObject newSpec)
    {
        var sb = new StringBuilder("  core.PodSpec{\n");
        var keys = oldSpec.Select(kv => kv.Key).Union(newSpec.Select(kv => kv.Key)).Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            oldSpec.TryGetPropertyValue(key, out var o);
            newSpec.TryGetPropertyValue(key, out var n);
            if (JsonNode.DeepEquals(o, n))
            {
                continue;
            }

            if (o is not null)
            {
                sb.Append("- \t").Append(key).Append(": ").Append(o.ToJsonString()).Append(",\n");
            }

            if (n is not null)
            {
                sb.Append("+ \t").Append(key).Append(": ").Append(n.ToJsonString()).Append(",\n");
            }
        }

        return sb.Append("  }\n").ToString();
    }
}
