using Podvisor.Model.Core;

namespace Podvisor.Model.Validation;

/// <summary>
/// core/v1 PodSpec validation, restating k/k pkg/apis/core/validation/validation.go (ValidatePodSpec and the
/// container, volume, env and port checks it calls). Expects a defaulted spec, as the apiserver validates after
/// defaulting: fields that defaulting always fills (restartPolicy, dnsPolicy, protocol, imagePullPolicy,
/// terminationMessagePolicy) are reported as required when empty.
/// </summary>
internal static class PodSpecValidation
{
    private const long DefaultGracePeriod = 30;

    private static readonly HashSet<string> EnvFieldPaths =
    [
        "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
        "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    ];

    // Field labels the downward API converter knows; anything else fails conversion before the env check.
    private static readonly HashSet<string> ConvertibleFieldPaths =
    [
        "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
        "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase",
        "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    ];

    public static List<FieldError> Validate(PodSpec? spec, FieldPath path)
    {
        spec ??= new PodSpec();
        var errs = new List<FieldError>();
        var volumes = ValidateVolumes(spec.Volumes, path.Child("volumes"), errs);
        var grace = spec.TerminationGracePeriodSeconds;

        ValidateContainers(spec.Containers, volumes, grace, path.Child("containers"), errs);
        ValidateInitContainers(spec.InitContainers ?? [], spec.Containers, volumes, grace, path.Child("initContainers"), errs);

        if (spec.HostNetwork == true)
        {
            for (var i = 0; i < spec.Containers.Count; i++)
            {
                var ports = spec.Containers[i].Ports ?? [];
                for (var j = 0; j < ports.Count; j++)
                {
                    if ((ports[j].HostPort ?? 0) != ports[j].ContainerPortNumber)
                    {
                        errs.Add(path.Child("containers").Index(i).Child("ports").Index(j).Child("hostPort")
                            .Invalid(ports[j].HostPort ?? 0, "must match `containerPort` when `hostNetwork` is true"));
                    }
                }
            }
        }

        switch (spec.RestartPolicy)
        {
            case "Always" or "OnFailure" or "Never":
                break;
            case null or "":
                errs.Add(path.Child("restartPolicy").Required());
                break;
            default:
                errs.Add(path.Child("restartPolicy").NotSupported(spec.RestartPolicy, "Always", "OnFailure", "Never"));
                break;
        }

        switch (spec.DnsPolicy)
        {
            case "ClusterFirstWithHostNet" or "ClusterFirst" or "Default" or "None":
                break;
            case null or "":
                errs.Add(path.Child("dnsPolicy").Required());
                break;
            default:
                errs.Add(path.Child("dnsPolicy").NotSupported(spec.DnsPolicy, "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"));
                break;
        }

        errs.AddRange(MetaValidation.ValidateLabels(spec.NodeSelector, path.Child("nodeSelector")));

        if (!string.IsNullOrEmpty(spec.ServiceAccountName))
        {
            errs.AddRange(NameRules.IsDns1123Subdomain(spec.ServiceAccountName).Select(m => path.Child("serviceAccountName").Invalid(spec.ServiceAccountName, m)));
        }

        if (!string.IsNullOrEmpty(spec.NodeName))
        {
            errs.AddRange(NameRules.IsDns1123Subdomain(spec.NodeName).Select(m => path.Child("nodeName").Invalid(spec.NodeName, m)));
        }

        if (spec.ActiveDeadlineSeconds is { } deadline && (deadline < 1 || deadline > int.MaxValue))
        {
            errs.Add(path.Child("activeDeadlineSeconds").Invalid(deadline, NameRules.InclusiveRangeError(1, int.MaxValue)));
        }

        // Kubernetes tolerates a negative grace period on old objects; Defaulter raises it to 1 (SPEC.md §1.2.8),
        // so a negative value only reaches here when an object skipped defaulting.
        if (grace is < 0)
        {
            errs.Add(path.Child("terminationGracePeriodSeconds").Invalid(grace.Value, Messages.NonNegative));
        }

        if (!string.IsNullOrEmpty(spec.Hostname))
        {
            errs.AddRange(NameRules.IsDns1123Label(spec.Hostname).Select(m => path.Child("hostname").Invalid(spec.Hostname, m)));
        }

        if (!string.IsNullOrEmpty(spec.Subdomain))
        {
            errs.AddRange(NameRules.IsDns1123Label(spec.Subdomain).Select(m => path.Child("subdomain").Invalid(spec.Subdomain, m)));
        }

        if (spec.Tolerations is { Count: > 0 })
        {
            errs.AddRange(ValidateTolerations(spec.Tolerations, path.Child("tolerations")));
        }

        var gates = spec.ReadinessGates ?? [];
        for (var i = 0; i < gates.Count; i++)
        {
            var p = path.Child("readinessGates").Index(i).Child("conditionType");
            errs.AddRange(NameRules.IsQualifiedName(gates[i].ConditionType).Select(m => p.Invalid(gates[i].ConditionType, m)));
        }

        return errs;
    }

    private static Dictionary<string, Volume> ValidateVolumes(IReadOnlyList<Volume>? volumes, FieldPath path, List<FieldError> errs)
    {
        var valid = new Dictionary<string, Volume>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        volumes ??= [];
        for (var i = 0; i < volumes.Count; i++)
        {
            var vol = volumes[i];
            var p = path.Index(i);
            var namePath = p.Child("name");
            var el = ValidateVolumeSource(vol, p);
            if (vol.Name.Length == 0)
            {
                el.Add(namePath.Required());
            }
            else
            {
                el.AddRange(NameRules.IsDns1123Label(vol.Name).Select(m => namePath.Invalid(vol.Name, m)));
            }

            if (names.Contains(vol.Name))
            {
                el.Add(namePath.Duplicate(vol.Name));
            }

            if (el.Count == 0)
            {
                names.Add(vol.Name);
                valid[vol.Name] = vol;
            }
            else
            {
                errs.AddRange(el);
            }
        }

        return valid;
    }

    private static List<FieldError> ValidateVolumeSource(Volume vol, FieldPath path)
    {
        var errs = new List<FieldError>();
        var count = 0;

        void One(string field, Action validate)
        {
            if (count > 0)
            {
                errs.Add(path.Child(field).Forbidden("may not specify more than 1 volume type"));
            }
            else
            {
                count++;
                validate();
            }
        }

        if (vol.EmptyDir is { } emptyDir)
        {
            One("emptyDir", () =>
            {
                if (emptyDir.Medium is not (null or "" or "Memory"))
                {
                    errs.Add(path.Child("emptyDir", "medium").NotSupported(emptyDir.Medium, "", "Memory", "HugePages"));
                }
            });
        }

        if (vol.HostPath is { } hostPath)
        {
            One("hostPath", () =>
            {
                var p = path.Child("hostPath");
                if (hostPath.Path.Length == 0)
                {
                    errs.Add(p.Child("path").Required());
                }
                else if (hostPath.Path.Split('/').Contains(".."))
                {
                    errs.Add(p.Child("path").Invalid(hostPath.Path, "must not contain '..'"));
                }

                string[] types = ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"];
                if (hostPath.Type is { } t && !types.Contains(t))
                {
                    errs.Add(p.Child("type").NotSupported(t, types));
                }
            });
        }

        if (vol.Secret is { } secret)
        {
            One("secret", () =>
            {
                var p = path.Child("secret");
                if (string.IsNullOrEmpty(secret.SecretName))
                {
                    errs.Add(p.Child("secretName").Required());
                }

                ValidateItems(secret.Items, secret.DefaultMode, p, errs);
            });
        }

        if (vol.ConfigMap is { } configMap)
        {
            One("configMap", () =>
            {
                var p = path.Child("configMap");
                if (string.IsNullOrEmpty(configMap.Name))
                {
                    errs.Add(p.Child("name").Required());
                }
                else
                {
                    errs.AddRange(NameRules.IsDns1123Subdomain(configMap.Name).Select(m => p.Child("name").Invalid(configMap.Name, m)));
                }

                ValidateItems(configMap.Items, configMap.DefaultMode, p, errs);
            });
        }

        if (vol.PersistentVolumeClaim is { } claim)
        {
            One("persistentVolumeClaim", () =>
            {
                if (claim.ClaimName.Length == 0)
                {
                    errs.Add(path.Child("persistentVolumeClaim", "claimName").Required());
                }
            });
        }

        if (vol.DownwardAPI is { } downward)
        {
            One("downwardAPI", () => ValidateDownwardItems(downward.Items, path.Child("downwardAPI"), errs));
        }

        if (vol.Projected is { } projected)
        {
            One("projected", () =>
            {
                var p = path.Child("projected");
                var sources = projected.Sources ?? [];
                for (var i = 0; i < sources.Count; i++)
                {
                    var source = sources[i];
                    var sp = p.Child("sources").Index(i);
                    var kinds = new[] { source.Secret is not null, source.DownwardAPI is not null, source.ConfigMap is not null, source.ServiceAccountToken is not null }.Count(k => k);
                    if (kinds > 1)
                    {
                        errs.Add(sp.Forbidden("may not specify more than 1 volume type per source"));
                    }

                    if (source.ServiceAccountToken is { } token)
                    {
                        if (token.Path.Length == 0)
                        {
                            errs.Add(sp.Child("serviceAccountToken", "path").Required());
                        }

                        if (token.ExpirationSeconds is < 600)
                        {
                            errs.Add(sp.Child("serviceAccountToken", "expirationSeconds").Invalid(token.ExpirationSeconds, "may not specify a duration less than 10 minutes"));
                        }
                    }

                    if (source.DownwardAPI is { } d)
                    {
                        ValidateDownwardItems(d.Items, sp.Child("downwardAPI"), errs);
                    }
                }
            });
        }

        if (count == 0)
        {
            errs.Add(path.Required("must specify a volume type"));
        }

        return errs;
    }

    private static void ValidateDownwardItems(IReadOnlyList<DownwardAPIVolumeFile>? items, FieldPath path, List<FieldError> errs)
    {
        var list = items ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var item = list[i];
            var p = path.Child("items").Index(i);
            if (item.Path.Length == 0)
            {
                errs.Add(p.Child("path").Required());
            }

            if (item.FieldRef is not null && item.ResourceFieldRef is not null)
            {
                errs.Add(p.Invalid("resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
            }
            else if (item.FieldRef is null && item.ResourceFieldRef is null)
            {
                errs.Add(p.Required("one of fieldRef and resourceFieldRef is required"));
            }
        }
    }

    private static void ValidateItems(IReadOnlyList<KeyToPath>? items, int? defaultMode, FieldPath path, List<FieldError> errs)
    {
        const string modeError = "must be a number between 0 and 0777 (octal), both inclusive";
        if (defaultMode is { } mode && (mode < 0 || mode > 511))
        {
            errs.Add(path.Child("defaultMode").Invalid(mode, modeError));
        }

        items ??= [];
        for (var i = 0; i < items.Count; i++)
        {
            var p = path.Child("items").Index(i);
            if (items[i].Key.Length == 0)
            {
                errs.Add(p.Child("key").Required());
            }

            if (items[i].Path.Length == 0)
            {
                errs.Add(p.Child("path").Required());
            }
            else if (items[i].Path.StartsWith('/'))
            {
                errs.Add(p.Child("path").Invalid(items[i].Path, "must be a relative path"));
            }
            else if (items[i].Path.Split('/').Contains(".."))
            {
                errs.Add(p.Child("path").Invalid(items[i].Path, "must not contain '..'"));
            }

            if (items[i].Mode is { } m && (m < 0 || m > 511))
            {
                errs.Add(p.Child("mode").Invalid(m, modeError));
            }
        }
    }

    private static void ValidateContainers(IReadOnlyList<Container> containers, Dictionary<string, Volume> volumes, long? grace, FieldPath path, List<FieldError> errs)
    {
        if (containers.Count == 0)
        {
            errs.Add(path.Required());
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < containers.Count; i++)
        {
            var c = containers[i];
            var p = path.Index(i);
            ValidateContainerCommon(c, volumes, p, errs);

            if (!names.Add(c.Name))
            {
                errs.Add(p.Child("name").Duplicate(c.Name));
            }

            if (c.Lifecycle is not null)
            {
                ValidateLifecycle(c.Lifecycle, grace, p.Child("lifecycle"), errs);
            }

            ValidateLivenessOrStartupProbe(c.LivenessProbe, p.Child("livenessProbe"), errs);
            ValidateReadinessProbe(c.ReadinessProbe, p.Child("readinessProbe"), errs);
            ValidateLivenessOrStartupProbe(c.StartupProbe, p.Child("startupProbe"), errs);

            if (c.RestartPolicy is not null)
            {
                errs.Add(p.Child("restartPolicy").Forbidden("may not be set for non-init containers"));
            }
        }
    }

    private static void ValidateInitContainers(IReadOnlyList<Container> containers, IReadOnlyList<Container> regular, Dictionary<string, Volume> volumes, long? grace, FieldPath path, List<FieldError> errs)
    {
        var names = new HashSet<string>(regular.Select(c => c.Name), StringComparer.Ordinal);
        for (var i = 0; i < containers.Count; i++)
        {
            var c = containers[i];
            var p = path.Index(i);
            ValidateContainerCommon(c, volumes, p, errs);

            var sidecar = false;
            if (c.RestartPolicy is not null)
            {
                if (c.RestartPolicy != "Always")
                {
                    errs.Add(p.Child("restartPolicy").NotSupported(c.RestartPolicy, "Always"));
                }

                sidecar = c.RestartPolicy == "Always";
            }

            if (names.Contains(c.Name))
            {
                errs.Add(p.Child("name").Duplicate(c.Name));
            }
            else if (c.Name.Length > 0)
            {
                names.Add(c.Name);
            }

            if (sidecar)
            {
                if (c.Lifecycle is not null)
                {
                    ValidateLifecycle(c.Lifecycle, grace, p.Child("lifecycle"), errs);
                }

                ValidateLivenessOrStartupProbe(c.LivenessProbe, p.Child("livenessProbe"), errs);
                ValidateReadinessProbe(c.ReadinessProbe, p.Child("readinessProbe"), errs);
                ValidateLivenessOrStartupProbe(c.StartupProbe, p.Child("startupProbe"), errs);
            }
            else
            {
                const string notForInit = "may not be set for init containers without restartPolicy=Always";
                if (c.Lifecycle is not null)
                {
                    errs.Add(p.Child("lifecycle").Forbidden(notForInit));
                }

                if (c.LivenessProbe is not null)
                {
                    errs.Add(p.Child("livenessProbe").Forbidden(notForInit));
                }

                if (c.ReadinessProbe is not null)
                {
                    errs.Add(p.Child("readinessProbe").Forbidden(notForInit));
                }

                if (c.StartupProbe is not null)
                {
                    errs.Add(p.Child("startupProbe").Forbidden(notForInit));
                }
            }
        }
    }

    private static void ValidateContainerCommon(Container c, Dictionary<string, Volume> volumes, FieldPath path, List<FieldError> errs)
    {
        var namePath = path.Child("name");
        if (c.Name.Length == 0)
        {
            errs.Add(namePath.Required());
        }
        else
        {
            errs.AddRange(NameRules.IsDns1123Label(c.Name).Select(m => namePath.Invalid(c.Name, m)));
        }

        if (string.IsNullOrEmpty(c.Image))
        {
            errs.Add(path.Child("image").Required());
        }

        switch (c.TerminationMessagePolicy)
        {
            case "File" or "FallbackToLogsOnError":
                break;
            case null or "":
                errs.Add(path.Child("terminationMessagePolicy").Required());
                break;
            default:
                errs.Add(path.Child("terminationMessagePolicy").NotSupported(c.TerminationMessagePolicy, "File", "FallbackToLogsOnError"));
                break;
        }

        ValidatePorts(c.Ports ?? [], path.Child("ports"), errs);
        ValidateEnv(c.Env ?? [], path.Child("env"), errs);
        ValidateEnvFrom(c.EnvFrom ?? [], path.Child("envFrom"), errs);
        ValidateVolumeMounts(c.VolumeMounts ?? [], volumes, path.Child("volumeMounts"), errs);

        switch (c.ImagePullPolicy)
        {
            case "Always" or "IfNotPresent" or "Never":
                break;
            case null or "":
                errs.Add(path.Child("imagePullPolicy").Required());
                break;
            default:
                errs.Add(path.Child("imagePullPolicy").NotSupported(c.ImagePullPolicy, "Always", "IfNotPresent", "Never"));
                break;
        }
    }

    private static void ValidatePorts(IReadOnlyList<ContainerPort> ports, FieldPath path, List<FieldError> errs)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var p = path.Index(i);
            if (!string.IsNullOrEmpty(port.Name))
            {
                var msgs = NameRules.IsValidPortName(port.Name);
                if (msgs.Count != 0)
                {
                    errs.AddRange(msgs.Select(m => p.Child("name").Invalid(port.Name, m)));
                }
                else if (!names.Add(port.Name))
                {
                    errs.Add(p.Child("name").Duplicate(port.Name));
                }
            }

            if (port.ContainerPortNumber == 0)
            {
                errs.Add(p.Child("containerPort").Required());
            }
            else
            {
                errs.AddRange(NameRules.IsValidPortNum(port.ContainerPortNumber).Select(m => p.Child("containerPort").Invalid(port.ContainerPortNumber, m)));
            }

            if (port.HostPort is { } hostPort and not 0)
            {
                errs.AddRange(NameRules.IsValidPortNum(hostPort).Select(m => p.Child("hostPort").Invalid(hostPort, m)));
            }

            ValidateProtocol(port.Protocol, p.Child("protocol"), errs);
        }
    }

    internal static void ValidateProtocol(string? protocol, FieldPath path, List<FieldError> errs)
    {
        if (string.IsNullOrEmpty(protocol))
        {
            errs.Add(path.Required());
        }
        else if (protocol is not ("TCP" or "UDP" or "SCTP"))
        {
            errs.Add(path.NotSupported(protocol, "SCTP", "TCP", "UDP"));
        }
    }

    private static void ValidateEnv(IReadOnlyList<EnvVar> env, FieldPath path, List<FieldError> errs)
    {
        for (var i = 0; i < env.Count; i++)
        {
            var ev = env[i];
            var p = path.Index(i);
            if (ev.Name.Length == 0)
            {
                errs.Add(p.Child("name").Required());
            }

            errs.AddRange(NameRules.IsEnvVarName(ev.Name).Select(m => p.Child("name").Invalid(ev.Name, m)));
            ValidateValueFrom(ev, p.Child("valueFrom"), errs);
        }
    }

    private static void ValidateValueFrom(EnvVar ev, FieldPath path, List<FieldError> errs)
    {
        if (ev.ValueFrom is not { } from)
        {
            return;
        }

        var sources = 0;
        if (from.FieldRef is { } fieldRef)
        {
            sources++;
            ValidateFieldRef(fieldRef, path.Child("fieldRef"), errs);
        }

        if (from.ResourceFieldRef is { } resourceRef)
        {
            sources++;
            var p = path.Child("resourceFieldRef");
            if (resourceRef.Resource.Length == 0)
            {
                errs.Add(p.Child("resource").Required());
            }
            else if (resourceRef.Resource is not ("limits.cpu" or "limits.memory" or "limits.ephemeral-storage" or "requests.cpu" or "requests.memory" or "requests.ephemeral-storage")
                && !resourceRef.Resource.StartsWith("limits.hugepages-", StringComparison.Ordinal)
                && !resourceRef.Resource.StartsWith("requests.hugepages-", StringComparison.Ordinal))
            {
                errs.Add(p.Child("resource").NotSupported(resourceRef.Resource, "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"));
            }
        }

        if (from.ConfigMapKeyRef is { } cm)
        {
            sources++;
            ValidateKeySelector(cm.Name, cm.Key, path.Child("configMapKeyRef"), errs);
        }

        if (from.SecretKeyRef is { } secret)
        {
            sources++;
            ValidateKeySelector(secret.Name, secret.Key, path.Child("secretKeyRef"), errs);
        }

        if (sources == 0)
        {
            errs.Add(path.Invalid("", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
        }
        else if (!string.IsNullOrEmpty(ev.Value))
        {
            errs.Add(path.Invalid("", "may not be specified when `value` is not empty"));
        }
        else if (sources > 1)
        {
            errs.Add(path.Invalid("", "may not have more than one field specified at a time"));
        }
    }

    private static void ValidateKeySelector(string? name, string key, FieldPath path, List<FieldError> errs)
    {
        if (string.IsNullOrEmpty(name))
        {
            errs.Add(path.Child("name").Required());
        }

        if (key.Length == 0)
        {
            errs.Add(path.Child("key").Required());
        }
        else
        {
            errs.AddRange(NameRules.IsConfigMapKey(key).Select(m => path.Child("key").Invalid(key, m)));
        }
    }

    private static void ValidateFieldRef(ObjectFieldSelector fieldRef, FieldPath path, List<FieldError> errs)
    {
        if (string.IsNullOrEmpty(fieldRef.ApiVersion))
        {
            errs.Add(path.Child("apiVersion").Required());
            return;
        }

        if (fieldRef.FieldPath.Length == 0)
        {
            errs.Add(path.Child("fieldPath").Required());
            return;
        }

        if (fieldRef.ApiVersion != "v1")
        {
            errs.Add(path.Child("fieldPath").Invalid(fieldRef.FieldPath, $"error converting fieldPath: unsupported pod version: {fieldRef.ApiVersion}"));
            return;
        }

        var fieldPath = fieldRef.FieldPath;
        var (basePath, subscript) = SplitSubscript(fieldPath);
        if (!ConvertibleFieldPaths.Contains(basePath))
        {
            errs.Add(path.Child("fieldPath").Invalid(fieldPath, $"error converting fieldPath: field label not supported: {fieldPath}"));
            return;
        }

        if (subscript is not null)
        {
            switch (basePath)
            {
                case "metadata.annotations":
                    errs.AddRange(NameRules.IsQualifiedName(subscript.ToLowerInvariant()).Select(m => path.Invalid(subscript.ToLowerInvariant(), m)));
                    break;
                case "metadata.labels":
                    errs.AddRange(NameRules.IsQualifiedName(subscript).Select(m => path.Invalid(subscript, m)));
                    break;
                default:
                    errs.Add(path.NotSupported(basePath, [.. EnvFieldPaths.Order(StringComparer.Ordinal)]));
                    break;
            }
        }
        else if (!EnvFieldPaths.Contains(basePath))
        {
            errs.Add(path.Child("fieldPath").NotSupported(basePath, [.. EnvFieldPaths.Order(StringComparer.Ordinal)]));
        }
    }

    /// <summary>fieldpath.SplitMaybeSubscriptedPath: <c>metadata.labels['app']</c> → ("metadata.labels", "app").</summary>
    private static (string Path, string? Subscript) SplitSubscript(string fieldPath)
    {
        if (!fieldPath.EndsWith("']", StringComparison.Ordinal))
        {
            return (fieldPath, null);
        }

        var open = fieldPath.IndexOf("['", StringComparison.Ordinal);
        if (open < 0)
        {
            return (fieldPath, null);
        }

        var subscript = fieldPath[(open + 2)..^2];
        return subscript.Length == 0 ? (fieldPath, null) : (fieldPath[..open], subscript);
    }

    private static void ValidateEnvFrom(IReadOnlyList<EnvFromSource> envFrom, FieldPath path, List<FieldError> errs)
    {
        for (var i = 0; i < envFrom.Count; i++)
        {
            var ef = envFrom[i];
            var p = path.Index(i);
            if (!string.IsNullOrEmpty(ef.Prefix))
            {
                errs.AddRange(NameRules.IsEnvVarName(ef.Prefix).Select(m => p.Child("prefix").Invalid(ef.Prefix, m)));
            }

            var sources = 0;
            if (ef.ConfigMapRef is { } cm)
            {
                sources++;
                if (string.IsNullOrEmpty(cm.Name))
                {
                    errs.Add(p.Child("configMapRef", "name").Required());
                }
            }

            if (ef.SecretRef is { } secret)
            {
                if (sources > 0)
                {
                    errs.Add(p.Invalid("", "may not have more than one field specified at a time"));
                }

                sources++;
                if (string.IsNullOrEmpty(secret.Name))
                {
                    errs.Add(p.Child("secretRef", "name").Required());
                }
            }

            if (sources == 0)
            {
                errs.Add(p.Invalid("", "must specify one of: `configMapRef` or `secretRef`"));
            }
        }
    }

    private static void ValidateVolumeMounts(IReadOnlyList<VolumeMount> mounts, Dictionary<string, Volume> volumes, FieldPath path, List<FieldError> errs)
    {
        var mountPoints = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < mounts.Count; i++)
        {
            var m = mounts[i];
            var p = path.Index(i);
            if (m.Name.Length == 0)
            {
                errs.Add(p.Child("name").Required());
            }

            if (!volumes.ContainsKey(m.Name))
            {
                errs.Add(p.Child("name").NotFound(m.Name));
            }

            if (m.MountPath.Length == 0)
            {
                errs.Add(p.Child("mountPath").Required());
            }

            if (!mountPoints.Add(m.MountPath))
            {
                errs.Add(p.Child("mountPath").Invalid(m.MountPath, "must be unique"));
            }

            if (!string.IsNullOrEmpty(m.SubPath))
            {
                if (m.SubPath.StartsWith('/'))
                {
                    errs.Add(p.Child("subPath").Invalid(m.SubPath, "must be a relative path"));
                }
                else if (m.SubPath.Split('/').Contains(".."))
                {
                    errs.Add(p.Child("subPath").Invalid(m.SubPath, "must not contain '..'"));
                }
            }

            if (m.MountPropagation is { } prop && prop is not ("None" or "HostToContainer" or "Bidirectional"))
            {
                errs.Add(p.Child("mountPropagation").NotSupported(prop, "Bidirectional", "HostToContainer", "None"));
            }
        }
    }

    private static void ValidateLivenessOrStartupProbe(Probe? probe, FieldPath path, List<FieldError> errs)
    {
        if (probe is null)
        {
            return;
        }

        ValidateProbe(probe, path, errs);
        if (probe.SuccessThreshold is { } st && st != 1)
        {
            errs.Add(path.Child("successThreshold").Invalid(st, "must be 1"));
        }
    }

    private static void ValidateReadinessProbe(Probe? probe, FieldPath path, List<FieldError> errs)
    {
        if (probe is null)
        {
            return;
        }

        ValidateProbe(probe, path, errs);

        // Kubernetes reports this as an Invalid value (not Forbidden): field.Invalid(..., "must not be set for readinessProbes").
        if (probe.TerminationGracePeriodSeconds is { } tgps)
        {
            errs.Add(path.Child("terminationGracePeriodSeconds").Invalid(tgps, "must not be set for readinessProbes"));
        }
    }

    private static void ValidateProbe(Probe probe, FieldPath path, List<FieldError> errs)
    {
        ValidateHandler(probe.Exec, probe.HttpGet, probe.TcpSocket, probe.Grpc, sleep: null, grace: null, path, errs);
        NonNegative(probe.InitialDelaySeconds, path.Child("initialDelaySeconds"), errs);
        NonNegative(probe.TimeoutSeconds, path.Child("timeoutSeconds"), errs);
        NonNegative(probe.PeriodSeconds, path.Child("periodSeconds"), errs);
        NonNegative(probe.SuccessThreshold, path.Child("successThreshold"), errs);
        NonNegative(probe.FailureThreshold, path.Child("failureThreshold"), errs);
        if (probe.TerminationGracePeriodSeconds is { } tgps && tgps <= 0)
        {
            errs.Add(path.Child("terminationGracePeriodSeconds").Invalid(tgps, "must be greater than 0"));
        }
    }

    private static void NonNegative(int? value, FieldPath path, List<FieldError> errs)
    {
        if (value is < 0)
        {
            errs.Add(path.Invalid(value.Value, Messages.NonNegative));
        }
    }

    private static void ValidateLifecycle(Lifecycle lifecycle, long? grace, FieldPath path, List<FieldError> errs)
    {
        if (lifecycle.PostStart is { } postStart)
        {
            ValidateHandler(postStart.Exec, postStart.HttpGet, postStart.TcpSocket, grpc: null, postStart.Sleep, grace, path.Child("postStart"), errs);
        }

        if (lifecycle.PreStop is { } preStop)
        {
            ValidateHandler(preStop.Exec, preStop.HttpGet, preStop.TcpSocket, grpc: null, preStop.Sleep, grace, path.Child("preStop"), errs);
        }
    }

    /// <summary>Exactly one handler; probes pass no sleep, lifecycle hooks pass no grpc.</summary>
    private static void ValidateHandler(ExecAction? exec, HttpGetAction? httpGet, TcpSocketAction? tcpSocket, GrpcAction? grpc, SleepAction? sleep, long? grace, FieldPath path, List<FieldError> errs)
    {
        var count = 0;

        void One(string field, Action validate)
        {
            if (count > 0)
            {
                errs.Add(path.Child(field).Forbidden("may not specify more than 1 handler type"));
            }
            else
            {
                count++;
                validate();
            }
        }

        if (exec is not null)
        {
            One("exec", () =>
            {
                if (exec.Command is not { Count: > 0 })
                {
                    errs.Add(path.Child("exec", "command").Required());
                }
            });
        }

        if (httpGet is not null)
        {
            One("httpGet", () => ValidateHttpGet(httpGet, path.Child("httpGet"), errs));
        }

        if (tcpSocket is not null)
        {
            One("tcpSocket", () => ValidatePortNumOrName(tcpSocket.Port, path.Child("tcpSocket", "port"), errs));
        }

        if (grpc is not null)
        {
            One("grpc", () => errs.AddRange(NameRules.IsValidPortNum(grpc.Port).Select(m => path.Child("grpc", "port").Invalid(grpc.Port, m))));
        }

        if (sleep is not null)
        {
            One("sleep", () =>
            {
                // SPEC.md §1.11.3: 0 < seconds <= terminationGracePeriodSeconds (PodLifecycleSleepActionAllowZero off).
                var limit = grace ?? DefaultGracePeriod;
                if (sleep.Seconds <= 0 || sleep.Seconds > limit)
                {
                    errs.Add(path.Child("sleep").Invalid(sleep.Seconds, $"must be greater than 0 and less than terminationGracePeriodSeconds ({limit})"));
                }
            });
        }

        if (count == 0)
        {
            errs.Add(path.Required("must specify a handler type"));
        }
    }

    private static void ValidateHttpGet(HttpGetAction http, FieldPath path, List<FieldError> errs)
    {
        if (string.IsNullOrEmpty(http.Path))
        {
            errs.Add(path.Child("path").Required());
        }

        ValidatePortNumOrName(http.Port, path.Child("port"), errs);
        if (http.Scheme is not ("HTTP" or "HTTPS"))
        {
            errs.Add(path.Child("scheme").NotSupported(http.Scheme ?? "", "HTTP", "HTTPS"));
        }

        foreach (var header in http.HttpHeaders ?? [])
        {
            errs.AddRange(NameRules.IsHttpHeaderName(header.Name).Select(m => path.Child("httpHeaders").Invalid(header.Name, m)));
        }
    }

    internal static void ValidatePortNumOrName(Meta.IntOrString port, FieldPath path, List<FieldError> errs)
    {
        if (port.StringValue is { } name)
        {
            errs.AddRange(NameRules.IsValidPortName(name).Select(m => path.Invalid(name, m)));
        }
        else
        {
            var number = port.IntValue ?? 0;
            errs.AddRange(NameRules.IsValidPortNum(number).Select(m => path.Invalid(number, m)));
        }
    }

    internal static List<FieldError> ValidateTolerations(IReadOnlyList<Toleration> tolerations, FieldPath path)
    {
        var errs = new List<FieldError>();
        for (var i = 0; i < tolerations.Count; i++)
        {
            var t = tolerations[i];
            var p = path.Index(i);
            var key = t.Key ?? "";
            if (key.Length > 0)
            {
                errs.AddRange(MetaValidation.ValidateLabelName(key, p.Child("key")));
            }

            if (key.Length == 0 && t.Operator != "Exists")
            {
                errs.Add(p.Child("operator").Invalid(t.Operator ?? "", "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
            }

            if (t.TolerationSeconds is not null && t.Effect != "NoExecute")
            {
                errs.Add(p.Child("effect").Invalid(t.Effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            }

            switch (t.Operator)
            {
                case null or "" or "Equal":
                    var msgs = NameRules.IsValidLabelValue(t.Value ?? "");
                    if (msgs.Count != 0)
                    {
                        errs.Add(p.Child("operator").Invalid(t.Value ?? "", string.Join(";", msgs)));
                    }

                    break;
                case "Exists":
                    if (!string.IsNullOrEmpty(t.Value))
                    {
                        errs.Add(p.Child("operator").Invalid(TolerationLiteral(t), "value must be empty when `operator` is 'Exists'"));
                    }

                    break;
                default:
                    errs.Add(p.Child("operator").NotSupported(t.Operator, "Equal", "Exists"));
                    break;
            }

            if (!string.IsNullOrEmpty(t.Effect))
            {
                ValidateTaintEffect(t.Effect, allowEmpty: true, p.Child("effect"), errs);
            }
        }

        return errs;
    }

    internal static void ValidateTaintEffect(string? effect, bool allowEmpty, FieldPath path, List<FieldError> errs)
    {
        if (!allowEmpty && string.IsNullOrEmpty(effect))
        {
            errs.Add(path.Required());
        }

        if (effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
        {
            errs.Add(path.NotSupported(effect ?? "", "NoSchedule", "PreferNoSchedule", "NoExecute"));
        }
    }

    private static GoLiteral TolerationLiteral(Toleration t) => new(
        $"core.Toleration{{Key:{GoFormat.Quote(t.Key ?? "")}, Operator:{GoFormat.Quote(t.Operator ?? "")}, Value:{GoFormat.Quote(t.Value ?? "")}, Effect:{GoFormat.Quote(t.Effect ?? "")}, TolerationSeconds:{GoFormat.Pointer("int64", t.TolerationSeconds)}}}");
}
