using Podvisor.Model.Validation;

namespace Podvisor.Model.Tests.Validation;

public class FieldErrorTests
{
    [Theory]
    [InlineData(FieldErrorType.Required, "", "", "spec.containers: Required value")]
    [InlineData(FieldErrorType.Required, "", "must specify a handler type", "spec.containers: Required value: must specify a handler type")]
    [InlineData(FieldErrorType.Forbidden, "", "may not be set", "spec.containers: Forbidden: may not be set")]
    [InlineData(FieldErrorType.Duplicate, "web", "", "spec.containers: Duplicate value: \"web\"")]
    [InlineData(FieldErrorType.NotFound, "data", "", "spec.containers: Not found: \"data\"")]
    [InlineData(FieldErrorType.Invalid, "Foo_Bar", "bad", "spec.containers: Invalid value: \"Foo_Bar\": bad")]
    [InlineData(FieldErrorType.TooLong, "", "may not be more than 10 bytes", "spec.containers: Too long: may not be more than 10 bytes")]
    public void ToString_EachType_RendersKubernetesFormat(string type, string badValue, string detail, string expected) =>
        Assert.Equal(expected, new FieldError("spec.containers", type, badValue, detail).ToString());

    [Fact]
    public void ToString_NumbersNullsAndBooleans_RenderUnquoted()
    {
        Assert.Equal("a: Invalid value: 2: must be 1", new FieldError("a", FieldErrorType.Invalid, 2, "must be 1").ToString());
        Assert.Equal("a: Invalid value: -5: x", new FieldError("a", FieldErrorType.Invalid, -5L, "x").ToString());
        Assert.Equal("a: Invalid value: null: x", new FieldError("a", FieldErrorType.Invalid, null, "x").ToString());
        Assert.Equal("a: Invalid value: true: x", new FieldError("a", FieldErrorType.Invalid, true, "x").ToString());
    }

    [Fact]
    public void ToString_StringWithQuotesAndNewline_QuotesLikeGo() =>
        Assert.Equal("a: Invalid value: \"x\\\"y\\nz\": d", new FieldError("a", FieldErrorType.Invalid, "x\"y\nz", "d").ToString());

    [Fact]
    public void ToString_StringMap_RendersGoMapLiteralSortedByKey()
    {
        var map = new Dictionary<string, string> { ["tier"] = "web", ["app"] = "x" };
        Assert.Equal("a: Invalid value: map[string]string{\"app\":\"x\", \"tier\":\"web\"}: d", new FieldError("a", FieldErrorType.Invalid, map, "d").ToString());
    }

    [Fact]
    public void Summary_SingleError_HasNoBrackets()
    {
        var errors = new[] { new FieldError("spec.containers", FieldErrorType.Required, "", "") };
        Assert.Equal("Pod \"x\" is invalid: spec.containers: Required value", ValidationErrors.Summary("Pod", "x", errors));
    }

    [Fact]
    public void Summary_SeveralErrors_BracketedAndDeduplicated()
    {
        var errors = new[]
        {
            new FieldError("spec.containers[0].image", FieldErrorType.Required, "", ""),
            new FieldError("spec.restartPolicy", FieldErrorType.NotSupported, "Sometimes", "supported values: \"Always\""),
            new FieldError("spec.containers[0].image", FieldErrorType.Required, "", ""),
        };
        Assert.Equal(
            "Deployment.apps \"web\" is invalid: [spec.containers[0].image: Required value, spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\"]",
            ValidationErrors.Summary(ValidationErrors.QualifiedKind("apps", "Deployment"), "web", errors));
    }

    [Fact]
    public void ToStatus_Errors_CarriesCausesWithReasonsAndBodies()
    {
        var errors = new[]
        {
            new FieldError("spec.containers", FieldErrorType.Required, "", ""),
            new FieldError("spec.containers[1].name", FieldErrorType.Duplicate, "web", ""),
            new FieldError("spec.restartPolicy", FieldErrorType.NotSupported, "X", "supported values: \"Always\""),
            new FieldError("spec.x", FieldErrorType.Invalid, 1, "must be 2"),
            new FieldError("spec.y", FieldErrorType.Forbidden, "", "no"),
            new FieldError("metadata.annotations", FieldErrorType.TooLong, "", "may not be more than 262144 bytes"),
        };

        var status = ValidationErrors.ToStatus("apps", "Deployment", "web", errors);

        Assert.Equal(422, status.Code);
        Assert.Equal("Invalid", status.Reason);
        Assert.Equal("Failure", status.StatusValue);
        Assert.Equal("apps", status.Details!.Group);
        Assert.Equal("Deployment", status.Details.Kind);
        Assert.Equal("web", status.Details.Name);
        Assert.StartsWith("Deployment.apps \"web\" is invalid: [spec.containers: Required value, ", status.Message, StringComparison.Ordinal);
        Assert.Equal(
            ["FieldValueRequired", "FieldValueDuplicate", "FieldValueNotSupported", "FieldValueInvalid", "FieldValueForbidden", "FieldValueTooLong"],
            status.Details.Causes!.Select(c => c.Reason!).ToArray());
        Assert.Equal("Duplicate value: \"web\"", status.Details.Causes![1].Message);
        Assert.Equal("spec.containers[1].name", status.Details.Causes[1].Field);
    }

    [Fact]
    public void ToStatus_CoreKind_HasNoGroupPrefix() =>
        Assert.StartsWith("Pod \"p\" is invalid: ", ValidationErrors.ToStatus("", "Pod", "p", [new FieldError("a", FieldErrorType.Required, "", "")]).Message, StringComparison.Ordinal);
}
