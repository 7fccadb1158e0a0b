using Podvisor.Model.Apps;
using Podvisor.Model.Meta;
using Podvisor.Model.Validation;
using static Podvisor.Model.Tests.Validation.Fixtures;

namespace Podvisor.Model.Tests.Validation;

public class AppsValidationTests
{
    private const string Mismatch = "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`";

    private static Deployment WithSpec(Func<DeploymentSpec, DeploymentSpec> change)
    {
        var d = Deployment();
        return d with { Spec = change(d.Spec!) };
    }

    private static Deployment WithRollingUpdate(IntOrString? maxUnavailable, IntOrString? maxSurge) =>
        WithSpec(s => s with { Strategy = new DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDeployment { MaxUnavailable = maxUnavailable, MaxSurge = maxSurge } } });

    public static TheoryData<string, Func<Deployment>, string> Cases => new()
    {
        { "replicas negative", () => WithSpec(s => s with { Replicas = -1 }), "spec.replicas: Invalid value: -1: must be greater than or equal to 0" },
        { "selector empty", () => WithSpec(s => s with { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string>() } }), "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment" },
        { "selector mismatch", () => WithSpec(s => s with { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "x" } } }), Mismatch },
        { "selector expression mismatch", () => WithSpec(s => s with { Selector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "app", Operator = "NotIn", Values = ["web"] }] } }), Mismatch },
        { "both zero", () => WithRollingUpdate(0, 0), "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0" },
        { "both zero percent", () => WithRollingUpdate("0%", 0), "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may not be 0 when `maxSurge` is 0" },
        { "maxUnavailable over 100%", () => WithRollingUpdate("150%", "25%"), "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%" },
        { "maxSurge not a percent", () => WithRollingUpdate("25%", "abc"), "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"abc\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')" },
        { "maxSurge negative", () => WithRollingUpdate(1, -1), "spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0" },
        { "recreate with rollingUpdate", () => WithSpec(s => s with { Strategy = s.Strategy! with { Type = "Recreate" } }), "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'" },
        { "strategy type unsupported", () => WithSpec(s => s with { Strategy = new DeploymentStrategy { Type = "BlueGreen" } }), "spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:\"BlueGreen\", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: \"Recreate\", \"RollingUpdate\"" },
        { "progress deadline not above minReady", () => WithSpec(s => s with { MinReadySeconds = 10, ProgressDeadlineSeconds = 10 }), "spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds" },
        { "minReadySeconds negative", () => WithSpec(s => s with { MinReadySeconds = -1 }), "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0" },
        { "revisionHistoryLimit negative", () => WithSpec(s => s with { RevisionHistoryLimit = -1 }), "spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0" },
        { "template restartPolicy Never", () => WithSpec(s => s with { Template = s.Template with { Spec = s.Template.Spec! with { RestartPolicy = "Never" } } }), "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"" },
        { "template activeDeadlineSeconds", () => WithSpec(s => s with { Template = s.Template with { Spec = s.Template.Spec! with { ActiveDeadlineSeconds = 10 } } }), "spec.template.spec.activeDeadlineSeconds: Invalid value: 10: activeDeadlineSeconds in ReplicaSet is not Supported" },
        { "template container image", () => WithSpec(s => s with { Template = s.Template with { Spec = s.Template.Spec! with { Containers = [s.Template.Spec.Containers[0] with { Image = null }] } } }), "spec.template.spec.containers[0].image: Required value" },
        { "name invalid", () => Deployment() with { Metadata = new ObjectMeta { Name = "Web" } }, "metadata.name: Invalid value: \"Web\": " + Dns1123SubdomainError },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValidateDeployment_OneMistake_ReportsExactError(string rule, Func<Deployment> deployment, string expected)
    {
        _ = rule;
        Single(Validator.ValidateDeployment(deployment()), expected);
    }

    [Fact]
    public void ValidateDeployment_Defaulted_IsValid() => Assert.Empty(Validator.ValidateDeployment(Deployment()));

    [Fact]
    public void ValidateDeployment_NoSelector_RequiredAndMismatch() =>
        Assert.Equal(["spec.selector: Required value", Mismatch], Messages(Validator.ValidateDeployment(WithSpec(s => s with { Selector = null }))));

    [Fact]
    public void ValidateDeployment_UnknownOperator_InvalidSelectorAndTemplateSkipped()
    {
        var d = WithSpec(s => s with
        {
            Selector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "app", Operator = "Foo", Values = ["web"] }] },
            Template = s.Template with { Spec = s.Template.Spec! with { RestartPolicy = "Never" } },
        });

        Assert.Equal(
            [
                "spec.selector.matchExpressions[0].operator: Invalid value: \"Foo\": not a valid selector operator",
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"app\", Operator:\"Foo\", Values:[]string{\"web\"}}}}: invalid label selector",
            ],
            Messages(Validator.ValidateDeployment(d)));
    }

    [Fact]
    public void ValidateDeployment_InWithoutValues_RequiredAndInvalidSelector() =>
        Assert.Equal(
            [
                "spec.selector.matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"tier\", Operator:\"DoesNotExist\", Values:[]string(nil)}, v1.LabelSelectorRequirement{Key:\"app\", Operator:\"In\", Values:[]string(nil)}}}: invalid label selector",
            ],
            Messages(Validator.ValidateDeployment(WithSpec(s => s with
            {
                Selector = new LabelSelector
                {
                    MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
                    MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = "DoesNotExist" }, new LabelSelectorRequirement { Key = "app", Operator = "In" }],
                },
            }))));

    [Fact]
    public void ValidateDeployment_SelectorWithExpressions_MatchesTemplate() =>
        Assert.Empty(Validator.ValidateDeployment(WithSpec(s => s with
        {
            Selector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "app", Operator = "In", Values = ["web", "api"] }, new LabelSelectorRequirement { Key = "tier", Operator = "DoesNotExist" }] },
        })));

    [Fact]
    public void ValidateDeploymentUpdate_SelectorChanged_Immutable()
    {
        var old = Deployment() with { Metadata = new ObjectMeta { Name = "web", Namespace = "default", Uid = "u" } };
        var changed = old with
        {
            Spec = old.Spec! with
            {
                Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web", ["v"] = "2" } },
                Template = old.Spec.Template with { Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web", ["v"] = "2" } } },
            },
        };

        Single(Validator.ValidateDeploymentUpdate(changed, old),
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", \"v\":\"2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
        Assert.Empty(Validator.ValidateDeploymentUpdate(old with { Spec = old.Spec with { Replicas = 5 } }, old));
    }

    [Fact]
    public void ValidateReplicaSet_Defaulted_IsValid() => Assert.Empty(Validator.ValidateReplicaSet(ReplicaSet()));

    [Fact]
    public void ValidateReplicaSet_SelectorMismatch_Invalid()
    {
        var rs = ReplicaSet();
        rs = rs with { Spec = rs.Spec! with { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "x" } } } };
        Single(Validator.ValidateReplicaSet(rs), Mismatch);
    }

    [Fact]
    public void ValidateReplicaSet_NegativeReplicasAndNeverRestart_BothReported()
    {
        var rs = ReplicaSet();
        rs = rs with { Spec = rs.Spec! with { Replicas = -2, Template = rs.Spec.Template! with { Spec = rs.Spec.Template.Spec! with { RestartPolicy = "OnFailure" } } } };
        Assert.Equal(
            ["spec.replicas: Invalid value: -2: must be greater than or equal to 0", "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""],
            Messages(Validator.ValidateReplicaSet(rs)));
    }
}
