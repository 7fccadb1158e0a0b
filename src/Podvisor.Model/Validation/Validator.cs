using Podvisor.Model.Apps;
using Podvisor.Model.Core;
using Podvisor.Model.Discovery;

namespace Podvisor.Model.Validation;

/// <summary>
/// Validates API objects as the Kubernetes apiserver does on create and update, returning every error at once in
/// Kubernetes' order and wording. Pure: never mutates its arguments. Objects are expected to be defaulted first
/// (<see cref="Defaulting.Defaulter"/>), as the apiserver validates after defaulting. metadata.namespace is checked
/// when set but not required: the API fills it from the request path before validating.
/// </summary>
public static class Validator
{
    /// <summary>
    /// Validates any served kind: a create when <paramref name="old"/> is null, else an update (pods, deployments and
    /// replica sets with their own update rules; other kinds with the metadata update rules plus the create rules).
    /// Kinds without rules here yield no errors.
    /// </summary>
    public static IReadOnlyList<FieldError> Validate(Meta.IKubernetesObject obj, Meta.IKubernetesObject? old = null)
    {
        switch (obj, old)
        {
            case (Pod p, Pod o):
                return ValidatePodUpdate(p, o);
            case (Deployment d, Deployment o):
                return ValidateDeploymentUpdate(d, o);
            case (ReplicaSet r, ReplicaSet o):
                return ValidateReplicaSetUpdate(r, o);
        }

        IReadOnlyList<FieldError> errors = obj switch
        {
            Pod p => ValidatePod(p),
            Service s => ValidateService(s),
            Deployment d => ValidateDeployment(d),
            ReplicaSet r => ValidateReplicaSet(r),
            Namespace n => ValidateNamespace(n),
            ConfigMap c => ValidateConfigMap(c),
            Secret s => ValidateSecret(s),
            Endpoints e => ValidateEndpoints(e),
            EndpointSlice e => ValidateEndpointSlice(e),
            Event e => ValidateEvent(e),
            Node n => ValidateNode(n),
            _ => [],
        };
        if (old is null)
        {
            return errors;
        }

        return [.. MetaValidation.ValidateObjectMetaUpdate(obj.Metadata, old.Metadata).Concat(errors).DistinctBy(e => e.ToString())];
    }

    public static IReadOnlyList<FieldError> ValidatePod(Pod pod)
    {
        var errs = MetaValidation.ValidateObjectMeta(pod.Metadata, namespaced: true, NameRule.Dns1123Subdomain);
        errs.AddRange(PodSpecValidation.Validate(pod.Spec, FieldPath.Root("spec")));
        return errs;
    }

    /// <summary>
    /// An update of a pod: besides the metadata, only container images, activeDeadlineSeconds (set once, then only
    /// lowered), added tolerations and a previously negative grace period may change.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidatePodUpdate(Pod newPod, Pod oldPod) => PodUpdateValidation.Validate(newPod, oldPod);

    public static IReadOnlyList<FieldError> ValidateService(Service service)
    {
        var errs = MetaValidation.ValidateObjectMeta(service.Metadata, namespaced: true, NameRule.Dns1035Label);
        errs.AddRange(ServiceValidation.ValidateSpec(service.Spec));
        return errs;
    }

    public static IReadOnlyList<FieldError> ValidateDeployment(Deployment deployment)
    {
        var errs = MetaValidation.ValidateObjectMeta(deployment.Metadata, namespaced: true, NameRule.Dns1123Subdomain);
        errs.AddRange(AppsValidation.ValidateDeploymentSpec(deployment.Spec));
        return errs;
    }

    /// <summary>A Deployment update: the new object must be valid and spec.selector is immutable (apps/v1).</summary>
    public static IReadOnlyList<FieldError> ValidateDeploymentUpdate(Deployment newDeployment, Deployment oldDeployment)
    {
        var errs = MetaValidation.ValidateObjectMetaUpdate(newDeployment.Metadata, oldDeployment.Metadata);
        errs.AddRange(AppsValidation.ValidateDeploymentSpec(newDeployment.Spec));
        if (!SelectorsEqual(newDeployment.Spec?.Selector, oldDeployment.Spec?.Selector) && newDeployment.Spec?.Selector is { } s)
        {
            errs.Add(FieldPath.Root("spec").Child("selector").Invalid(MetaValidation.SelectorLiteral(s), Messages.Immutable));
        }

        return errs;
    }

    public static IReadOnlyList<FieldError> ValidateReplicaSet(ReplicaSet replicaSet)
    {
        var errs = MetaValidation.ValidateObjectMeta(replicaSet.Metadata, namespaced: true, NameRule.Dns1123Subdomain);
        errs.AddRange(AppsValidation.ValidateReplicaSetSpec(replicaSet.Spec));
        return errs;
    }

    /// <summary>A ReplicaSet update: the new object must be valid and spec.selector is immutable (apps/v1).</summary>
    public static IReadOnlyList<FieldError> ValidateReplicaSetUpdate(ReplicaSet newReplicaSet, ReplicaSet oldReplicaSet)
    {
        var errs = MetaValidation.ValidateObjectMetaUpdate(newReplicaSet.Metadata, oldReplicaSet.Metadata);
        errs.AddRange(AppsValidation.ValidateReplicaSetSpec(newReplicaSet.Spec));
        if (!SelectorsEqual(newReplicaSet.Spec?.Selector, oldReplicaSet.Spec?.Selector) && newReplicaSet.Spec?.Selector is { } s)
        {
            errs.Add(FieldPath.Root("spec").Child("selector").Invalid(MetaValidation.SelectorLiteral(s), Messages.Immutable));
        }

        return errs;
    }

    public static IReadOnlyList<FieldError> ValidateNamespace(Namespace ns)
    {
        var errs = MetaValidation.ValidateObjectMeta(ns.Metadata, namespaced: false, NameRule.Dns1123Label);
        errs.AddRange(ClusterValidation.ValidateNamespaceSpec(ns.Spec));
        return errs;
    }

    public static IReadOnlyList<FieldError> ValidateConfigMap(ConfigMap configMap)
    {
        var errs = MetaValidation.ValidateObjectMeta(configMap.Metadata, namespaced: true, NameRule.Dns1123Subdomain);
        errs.AddRange(ClusterValidation.ValidateConfigMapData(configMap));
        return errs;
    }

    public static IReadOnlyList<FieldError> ValidateSecret(Secret secret)
    {
        var errs = MetaValidation.ValidateObjectMeta(secret.Metadata, namespaced: true, NameRule.Dns1123Subdomain);
        errs.AddRange(ClusterValidation.ValidateSecretData(secret));
        return errs;
    }

    public static IReadOnlyList<FieldError> ValidateEndpoints(Endpoints endpoints)
    {
        var errs = MetaValidation.ValidateObjectMeta(endpoints.Metadata, namespaced: true, NameRule.Dns1123Subdomain);
        errs.AddRange(ClusterValidation.ValidateEndpointSubsets(endpoints.Subsets));
        return errs;
    }

    public static IReadOnlyList<FieldError> ValidateEndpointSlice(EndpointSlice slice)
    {
        var errs = MetaValidation.ValidateObjectMeta(slice.Metadata, namespaced: true, NameRule.Dns1123Subdomain);
        errs.AddRange(ClusterValidation.ValidateEndpointSliceBody(slice));
        return errs;
    }

    public static IReadOnlyList<FieldError> ValidateEvent(Event ev)
    {
        var errs = MetaValidation.ValidateObjectMeta(ev.Metadata, namespaced: true, NameRule.Dns1123Subdomain);
        errs.AddRange(ClusterValidation.ValidateEventBody(ev));
        return errs;
    }

    public static IReadOnlyList<FieldError> ValidateNode(Node node)
    {
        var errs = MetaValidation.ValidateObjectMeta(node.Metadata, namespaced: false, NameRule.Dns1123Subdomain);
        errs.AddRange(ClusterValidation.ValidateNodeSpec(node.Spec));
        return errs;
    }

    /// <summary>The metadata rules of any update: name, namespace and uid are immutable; labels and annotations valid.</summary>
    public static IReadOnlyList<FieldError> ValidateObjectMetaUpdate(Meta.ObjectMeta newMeta, Meta.ObjectMeta oldMeta) =>
        MetaValidation.ValidateObjectMetaUpdate(newMeta, oldMeta);

    private static bool SelectorsEqual(Meta.LabelSelector? a, Meta.LabelSelector? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        static string Canonical(Meta.LabelSelector s) =>
            string.Join(",", (s.MatchLabels ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value)) + "|" +
            string.Join(",", (s.MatchExpressions ?? []).Select(e => e.Key + " " + e.Operator + " " + string.Join(";", e.Values ?? [])));

        return Canonical(a) == Canonical(b);
    }
}
