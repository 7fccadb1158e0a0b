using Podvisor.Model.Core;
using Podvisor.Node.PodWorkers;
using Podvisor.Node.Tests.Fakes;
using Podvisor.Testing.Builders;

namespace Podvisor.Node.Tests.PodWorkers;

public sealed class EnvResolverTests
{
    [Theory]
    [InlineData("$(A)", "a")]
    [InlineData("x-$(A)-$(B)", "x-a-b")]
    [InlineData("$(MISSING)", "$(MISSING)")]
    [InlineData("$$(A)", "$(A)")]
    [InlineData("$$", "$")]
    [InlineData("cost $5", "cost $5")]
    [InlineData("$(A", "$(A")]
    [InlineData("trailing $", "trailing $")]
    public void Expand_KubernetesSyntax(string input, string expected)
    {
        var vars = new Dictionary<string, string> { ["A"] = "a", ["B"] = "b" };

        Assert.Equal(expected, EnvResolver.Expand(input, n => vars.TryGetValue(n, out var v) ? v : null));
    }

    [Fact]
    public async Task Resolve_FieldRefsAndEarlierVariables()
    {
        var pod = PodBuilder.Named("web").InNamespace("prod").Label("app", "x").OnNode("n1").Container("c", "x", c => c with
        {
            Env =
            [
                new EnvVar { Name = "NAME", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.name" } } },
                new EnvVar { Name = "NS", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.namespace" } } },
                new EnvVar { Name = "APP", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.labels['app']" } } },
                new EnvVar { Name = "NODE", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "spec.nodeName" } } },
                new EnvVar { Name = "IP", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "status.podIP" } } },
                new EnvVar { Name = "URL", Value = "http://$(IP)/$(NAME).$(NS)/$(LATER)" },
                new EnvVar { Name = "LATER", Value = "l" },
            ],
            Args = ["$(URL)", "$$(URL)"],
        }).Build();
        var container = pod.Spec!.Containers[0];

        var env = await EnvResolver.ResolveAsync(pod, container, "10.0.0.5", "10.0.0.1", new FakeClient(), CancellationToken.None);
        var map = env.ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.Equal("web", map["NAME"]);
        Assert.Equal("prod", map["NS"]);
        Assert.Equal("x", map["APP"]);
        Assert.Equal("n1", map["NODE"]);
        Assert.Equal("http://10.0.0.5/web.prod/$(LATER)", map["URL"]);
        Assert.Equal(["http://10.0.0.5/web.prod/$(LATER)", "$(URL)"], EnvResolver.ExpandAll(container.Args, env));
    }

    [Fact]
    public async Task Resolve_ConfigMapAndSecretKeys_MissingRequiredKeyIsConfigError()
    {
        var client = new FakeClient();
        await client.ConfigMaps.CreateAsync(new ConfigMap { Metadata = new() { Name = "cm", Namespace = "default" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, CancellationToken.None);
        await client.Secrets.CreateAsync(new Secret { Metadata = new() { Name = "s", Namespace = "default" }, Data = new Dictionary<string, byte[]> { ["p"] = "pw"u8.ToArray() } }, CancellationToken.None);
        var pod = PodBuilder.Named("p").Container("c", "x", c => c with
        {
            Env =
            [
                new EnvVar { Name = "A", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "cm", Key = "k" } } },
                new EnvVar { Name = "B", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "s", Key = "p" } } },
                new EnvVar { Name = "C", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "cm", Key = "nope", Optional = true } } },
            ],
        }).Build();

        var env = await EnvResolver.ResolveAsync(pod, pod.Spec!.Containers[0], null, null, client, CancellationToken.None);

        Assert.Equal([new("A", "v"), new KeyValuePair<string, string>("B", "pw")], env);
        var bad = pod.Spec.Containers[0] with { Env = [new EnvVar { Name = "X", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "cm", Key = "nope" } } }] };
        await Assert.ThrowsAsync<ContainerConfigException>(() => EnvResolver.ResolveAsync(pod, bad, null, null, client, CancellationToken.None));
    }
}
