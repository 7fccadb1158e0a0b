using Podvisor.Model.Apps;
using Podvisor.Model.Core;
using Podvisor.Model.Defaulting;
using Podvisor.Model.Meta;
using Podvisor.Model.Serialization;
using Podvisor.Model.Validation;

namespace Podvisor.Model.Tests.Validation;

/// <summary>Every manifest in shared/examples, defaulted as the API would, passes validation.</summary>
public class ExampleManifestTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(ExamplesDirectory(), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void Examples_Directory_HasManifests() => Assert.NotEmpty(Directory.GetFiles(ExamplesDirectory(), "*.yaml"));

    [Theory]
    [MemberData(nameof(Files))]
    public void Validate_DefaultedExample_HasNoErrors(string file)
    {
        var documents = ManifestReader.Read(File.ReadAllText(Path.Combine(ExamplesDirectory(), file)));
        Assert.NotEmpty(documents);

        foreach (var document in documents)
        {
            var kind = (string?)document["kind"];
            IReadOnlyList<FieldError> errors = kind switch
            {
                Pod.KindName => Validator.ValidatePod(Defaulter.Pod(KubeJson.FromNode<Pod>(document))),
                Deployment.KindName => Validator.ValidateDeployment(Defaulter.Deployment(KubeJson.FromNode<Deployment>(document))),
                Service.KindName => Validator.ValidateService(Defaulter.Service(KubeJson.FromNode<Service>(document))),
                _ => throw new InvalidOperationException($"{file}: no validation wired for kind {kind}"),
            };

            var name = KubeJson.ReadHeader(document).Metadata.Name;
            Assert.True(errors.Count == 0, $"{file} {kind}/{name}: {ValidationErrors.Summary(kind!, name, errors)}");
        }
    }

    /// <summary>shared/ sits beside the repository root (the directory holding Podvisor.slnx).</summary>
    private static string ExamplesDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Podvisor.slnx")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine(dir.Parent!.FullName, "shared", "examples");
    }
}
