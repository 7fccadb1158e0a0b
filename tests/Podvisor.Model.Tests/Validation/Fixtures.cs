using Podvisor.Model.Apps;
using Podvisor.Model.Core;
using Podvisor.Model.Defaulting;
using Podvisor.Model.Meta;
using Podvisor.Model.Validation;

namespace Podvisor.Model.Tests.Validation;

/// <summary>Valid, defaulted objects that each test breaks in one place.</summary>
internal static class Fixtures
{
    public static Pod Pod() => Defaulter.Pod(new Pod
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "default", Labels = new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "nginx:1.25" }] },
    });

    /// <summary>The pod with its first container replaced by <paramref name="change"/> of it.</summary>
    public static Pod WithContainer(Func<Container, Container> change)
    {
        var pod = Pod();
        return pod with { Spec = pod.Spec! with { Containers = [change(pod.Spec.Containers[0])] } };
    }

    public static Pod WithSpec(Func<PodSpec, PodSpec> change)
    {
        var pod = Pod();
        return pod with { Spec = change(pod.Spec!) };
    }

    public static Container Sidecar(string name) =>
        Defaulter.Container(new Container { Name = name, Image = "busybox:1", RestartPolicy = "Always" });

    public static Container Init(string name) =>
        Defaulter.Container(new Container { Name = name, Image = "busybox:1" });

    public static Deployment Deployment() => Defaulter.Deployment(new Deployment
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
        Spec = new DeploymentSpec
        {
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "nginx:1.25" }] },
            },
        },
    });

    public static ReplicaSet ReplicaSet()
    {
        var d = Deployment();
        return Defaulter.ReplicaSet(new ReplicaSet
        {
            Metadata = new ObjectMeta { Name = "web-5d4f", Namespace = "default" },
            Spec = new ReplicaSetSpec { Selector = d.Spec!.Selector, Template = d.Spec.Template },
        });
    }

    public static Service Service() => Defaulter.Service(new Service
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
        Spec = new ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app"] = "web" },
            Ports = [new ServicePort { Port = 80 }],
        },
    });

    public static string[] Messages(IReadOnlyList<FieldError> errors) => [.. errors.Select(e => e.ToString())];

    /// <summary>Asserts the object produced exactly one error, rendered as <paramref name="expected"/>.</summary>
    public static void Single(IReadOnlyList<FieldError> errors, string expected) =>
        Assert.Equal([expected], Messages(errors));

    public const string Dns1123LabelError =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    public const string Dns1123SubdomainError =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    public const string PortRange = "must be between 1 and 65535, inclusive";
}
