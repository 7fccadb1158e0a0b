using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Model.Validation;
using static Podvisor.Model.Tests.Validation.Fixtures;

namespace Podvisor.Model.Tests.Validation;

public class PodUpdateValidationTests
{
    private const string SpecForbidden =
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n";

    private static readonly Toleration NoExecute = new() { Key = "node.kubernetes.io/not-ready", Operator = "Exists", Effect = "NoExecute", TolerationSeconds = 300 };

    private static Pod Old() => WithSpec(s => s with { ActiveDeadlineSeconds = 100, Tolerations = [NoExecute] });

    private static Pod Update(Func<PodSpec, PodSpec> change)
    {
        var old = Old();
        return old with { Spec = change(old.Spec!) };
    }

    [Fact]
    public void ValidatePodUpdate_Unchanged_NoErrors() => Assert.Empty(Validator.ValidatePodUpdate(Old(), Old()));

    [Fact]
    public void ValidatePodUpdate_AllowedChanges_NoErrors()
    {
        var updated = Update(s => s with
        {
            Containers = [s.Containers[0] with { Image = "nginx:1.27" }],
            ActiveDeadlineSeconds = 50,
            Tolerations = [NoExecute with { TolerationSeconds = 60 }, new Toleration { Key = "gpu", Operator = "Exists", Effect = "NoSchedule" }],
        });

        Assert.Empty(Validator.ValidatePodUpdate(updated, Old()));
    }

    [Fact]
    public void ValidatePodUpdate_RestartPolicyChanged_ForbiddenWithDiff()
    {
        var errors = Validator.ValidatePodUpdate(Update(s => s with { RestartPolicy = "Never" }), Old());

        var error = Assert.Single(errors);
        Assert.Equal("spec", error.Field);
        Assert.Equal(FieldErrorType.Forbidden, error.Type);
        Assert.StartsWith(SpecForbidden, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("- \trestartPolicy: \"Always\"", error.Detail, StringComparison.Ordinal);
        Assert.Contains("+ \trestartPolicy: \"Never\"", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidatePodUpdate_ContainerAdded_Forbidden() =>
        Single(Validator.ValidatePodUpdate(Update(s => s with { Containers = [s.Containers[0], s.Containers[0] with { Name = "extra" }] }), Old()),
            "spec.containers: Forbidden: pod updates may not add or remove containers");

    [Fact]
    public void ValidatePodUpdate_ActiveDeadlineRaised_Invalid() =>
        Single(Validator.ValidatePodUpdate(Update(s => s with { ActiveDeadlineSeconds = 200 }), Old()),
            "spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value");

    [Fact]
    public void ValidatePodUpdate_ActiveDeadlineRemoved_Invalid() =>
        Single(Validator.ValidatePodUpdate(Update(s => s with { ActiveDeadlineSeconds = null }), Old()),
            "spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value");

    [Fact]
    public void ValidatePodUpdate_TolerationModified_Forbidden() =>
        Single(Validator.ValidatePodUpdate(Update(s => s with { Tolerations = [NoExecute with { Effect = "NoSchedule", TolerationSeconds = null }] }), Old()),
            "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds");

    [Fact]
    public void ValidatePodUpdate_NameChanged_Immutable()
    {
        var updated = Old() with { Metadata = Old().Metadata with { Name = "other" } };
        Single(Validator.ValidatePodUpdate(updated, Old()), "metadata.name: Invalid value: \"other\": field is immutable");
    }

    [Fact]
    public void ValidatePodUpdate_LabelsChanged_Allowed()
    {
        var updated = Old() with { Metadata = Old().Metadata with { Labels = new Dictionary<string, string> { ["app"] = "web", ["v"] = "2" } } };
        Assert.Empty(Validator.ValidatePodUpdate(updated, Old()));
    }

    [Fact]
    public void ValidatePodUpdate_ImageRemoved_Required() =>
        Single(Validator.ValidatePodUpdate(Update(s => s with { Containers = [s.Containers[0] with { Image = "" }] }), Old()),
            "spec.containers[0].image: Required value");

    [Fact]
    public void ValidatePodUpdate_NegativeGraceRaisedToOne_Allowed()
    {
        var old = WithSpec(s => s with { TerminationGracePeriodSeconds = -1 });
        var updated = old with { Spec = old.Spec! with { TerminationGracePeriodSeconds = 1 } };
        Assert.Empty(Validator.ValidatePodUpdate(updated, old));
    }

    [Fact]
    public void ValidatePodUpdate_GraceChanged_Forbidden() =>
        Assert.StartsWith(SpecForbidden, Assert.Single(Validator.ValidatePodUpdate(Update(s => s with { TerminationGracePeriodSeconds = 5 }), Old())).ToString(), StringComparison.Ordinal);

    [Fact]
    public void ValidatePodUpdate_NamespaceChanged_Immutable()
    {
        var updated = Old() with { Metadata = Old().Metadata with { Namespace = "prod" } };
        Single(Validator.ValidatePodUpdate(updated, Old()), "metadata.namespace: Invalid value: \"prod\": field is immutable");
    }

    [Fact]
    public void ValidatePodUpdate_UidChanged_Immutable()
    {
        var old = Old() with { Metadata = new ObjectMeta { Name = "web", Namespace = "default", Uid = "a" } };
        Single(Validator.ValidatePodUpdate(old with { Metadata = old.Metadata with { Uid = "b" } }, old), "metadata.uid: Invalid value: \"b\": field is immutable");
    }
}
