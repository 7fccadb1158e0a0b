using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Model.Validation;
using static Podvisor.Model.Tests.Validation.Fixtures;

namespace Podvisor.Model.Tests.Validation;

public class MetadataValidationTests
{
    private const string QualifiedNamePart =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string LabelValueError =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private static Pod PodWithMeta(ObjectMeta meta) => Pod() with { Metadata = meta };

    private static Pod PodWithLabel(string key, string value) =>
        PodWithMeta(new ObjectMeta { Name = "web", Labels = new Dictionary<string, string> { [key] = value } });

    public static TheoryData<string, Func<Pod>, string> Cases => new()
    {
        { "name missing", () => PodWithMeta(new ObjectMeta()), "metadata.name: Required value: name or generateName is required" },
        { "name not a subdomain", () => PodWithMeta(new ObjectMeta { Name = "Foo_Bar" }), "metadata.name: Invalid value: \"Foo_Bar\": " + Dns1123SubdomainError },
        { "name too long", () => PodWithMeta(new ObjectMeta { Name = new string('a', 254) }), $"metadata.name: Invalid value: \"{new string('a', 254)}\": must be no more than 253 characters" },
        { "generateName invalid", () => PodWithMeta(new ObjectMeta { GenerateName = "Web-" }), "metadata.generateName: Invalid value: \"Web-\": " + Dns1123SubdomainError },
        { "namespace not a label", () => PodWithMeta(new ObjectMeta { Name = "web", Namespace = "Bad_NS" }), "metadata.namespace: Invalid value: \"Bad_NS\": " + Dns1123LabelError },
        { "label key with space", () => PodWithLabel("bad key", "x"), "metadata.labels: Invalid value: \"bad key\": name part " + QualifiedNamePart },
        { "label key bad prefix", () => PodWithLabel("Example.com/app", "x"), "metadata.labels: Invalid value: \"Example.com/app\": prefix part " + Dns1123SubdomainError },
        { "label key empty prefix", () => PodWithLabel("/app", "x"), "metadata.labels: Invalid value: \"/app\": prefix part must be non-empty" },
        { "label key two slashes", () => PodWithLabel("a/b/c", "x"), "metadata.labels: Invalid value: \"a/b/c\": a qualified name " + QualifiedNamePart + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')" },
        { "label key name too long", () => PodWithLabel("example.com/" + new string('k', 64), "x"), $"metadata.labels: Invalid value: \"example.com/{new string('k', 64)}\": name part must be no more than 63 characters" },
        { "label value bad start", () => PodWithLabel("app", "-bad"), "metadata.labels: Invalid value: \"-bad\": " + LabelValueError },
        { "label value too long", () => PodWithLabel("app", new string('v', 64)), $"metadata.labels: Invalid value: \"{new string('v', 64)}\": must be no more than 63 characters" },
        { "annotation key invalid", () => PodWithMeta(new ObjectMeta { Name = "web", Annotations = new Dictionary<string, string> { ["bad key"] = "" } }), "metadata.annotations: Invalid value: \"bad key\": name part " + QualifiedNamePart },
        { "annotations too large", () => PodWithMeta(new ObjectMeta { Name = "web", Annotations = new Dictionary<string, string> { ["big"] = new string('x', 256 * 1024) } }), "metadata.annotations: Too long: may not be more than 262144 bytes" },
        { "generation negative", () => PodWithMeta(new ObjectMeta { Name = "web", Generation = -1 }), "metadata.generation: Invalid value: -1: must be greater than or equal to 0" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValidatePod_MetadataMistake_ReportsExactError(string rule, Func<Pod> pod, string expected)
    {
        _ = rule;
        Single(Validator.ValidatePod(pod()), expected);
    }

    [Theory]
    [InlineData("app", "")]
    [InlineData("app.kubernetes.io/name", "my_value.1")]
    [InlineData("K8s_Key", "MyValue")]
    public void ValidatePod_ValidLabels_NoErrors(string key, string value) =>
        Assert.Empty(Validator.ValidatePod(PodWithLabel(key, value)));

    [Fact]
    public void ValidatePod_GenerateNameOnly_IsAccepted() =>
        Assert.Empty(Validator.ValidatePod(PodWithMeta(new ObjectMeta { GenerateName = "web-" })));

    [Fact]
    public void ValidatePod_NameOf253Characters_IsAccepted() =>
        Assert.Empty(Validator.ValidatePod(PodWithMeta(new ObjectMeta { Name = new string('a', 253) })));

    [Fact]
    public void ValidatePod_AnnotationsAtTheLimit_AreAccepted() =>
        Assert.Empty(Validator.ValidatePod(PodWithMeta(new ObjectMeta { Name = "web", Annotations = new Dictionary<string, string> { ["big"] = new string('x', (256 * 1024) - 3) } })));

    [Theory]
    [InlineData("my.ns", "metadata.name: Invalid value: \"my.ns\": must not contain dots")]
    [InlineData("Prod", "metadata.name: Invalid value: \"Prod\": " + Dns1123LabelError)]
    public void ValidateNamespace_NameNotALabel_Invalid(string name, string expected) =>
        Single(Validator.ValidateNamespace(new Namespace { Metadata = new ObjectMeta { Name = name } }), expected);

    [Fact]
    public void ValidateNamespace_NameOf64Characters_TooLong() =>
        Single(Validator.ValidateNamespace(new Namespace { Metadata = new ObjectMeta { Name = new string('n', 64) } }),
            $"metadata.name: Invalid value: \"{new string('n', 64)}\": must be no more than 63 characters");

    [Fact]
    public void ValidateNamespace_WithNamespaceSet_Forbidden() =>
        Single(Validator.ValidateNamespace(new Namespace { Metadata = new ObjectMeta { Name = "team", Namespace = "default" } }),
            "metadata.namespace: Forbidden: not allowed on this type");

    [Fact]
    public void ValidateNamespace_UnqualifiedFinalizer_Invalid() =>
        Single(Validator.ValidateNamespace(new Namespace { Metadata = new ObjectMeta { Name = "team" }, Spec = new NamespaceSpec { Finalizers = ["custom"] } }),
            "spec.finalizers: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified");

    [Fact]
    public void ValidateNamespace_Valid_NoErrors() =>
        Assert.Empty(Validator.ValidateNamespace(new Namespace { Metadata = new ObjectMeta { Name = "team-a" }, Spec = new NamespaceSpec { Finalizers = ["kubernetes"] } }));

    [Fact]
    public void ValidateObjectMetaUpdate_NameChanged_Immutable() =>
        Single(Validator.ValidateObjectMetaUpdate(new ObjectMeta { Name = "other", Uid = "u1" }, new ObjectMeta { Name = "web", Uid = "u1" }),
            "metadata.name: Invalid value: \"other\": field is immutable");
}
