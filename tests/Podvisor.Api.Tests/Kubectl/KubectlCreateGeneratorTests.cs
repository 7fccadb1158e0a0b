namespace Podvisor.Api.Tests.Kubectl;

/// <summary>kubectl's <c>create &lt;kind&gt;</c> generators POST protobuf bodies; each object must land as if sent as JSON.</summary>
public sealed class KubectlCreateGeneratorTests : KubectlTestBase
{
    private async Task<string> RunOkAsync(params string[] args)
    {
        var result = await _k.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)}: {result.All}");
        return result.Stdout;
    }

    private Task<string> JsonPathAsync(string kind, string name, string path) =>
        RunOkAsync("get", kind, name, "-o", $"jsonpath={path}");

    [Fact]
    public async Task CreateNamespace_IsStoredActive()
    {
        var created = await _k.RunAsync("create", "namespace", "gen-ns", "-v=8");
        Assert.True(created.ExitCode == 0, created.All);
        Assert.Contains("namespace/gen-ns created", created.Stdout);
        Assert.Contains("Content-Type: application/vnd.kubernetes.protobuf", created.Stderr);

        Assert.Equal("gen-ns Active", await JsonPathAsync("namespace", "gen-ns", "{.metadata.name} {.status.phase}"));
    }

    [Fact]
    public async Task CreateConfigMap_FromLiteral_StoresData()
    {
        Assert.Contains("configmap/c created", await RunOkAsync("create", "configmap", "c", "--from-literal=a=b"));

        Assert.Equal("b", await JsonPathAsync("configmap", "c", "{.data.a}"));
    }

    [Fact]
    public async Task CreateSecretGeneric_FromLiteral_StoresBase64DataAndOpaqueType()
    {
        Assert.Contains("secret/s created", await RunOkAsync("create", "secret", "generic", "s", "--from-literal=a=b"));

        Assert.Equal($"{Convert.ToBase64String("b"u8.ToArray())} Opaque", await JsonPathAsync("secret", "s", "{.data.a} {.type}"));
    }

    [Fact]
    public async Task CreateServiceClusterIP_StoresPortTargetPortAndType()
    {
        Assert.Contains("service/s created", await RunOkAsync("create", "service", "clusterip", "s", "--tcp=80:8080"));

        Assert.Equal(
            "80 8080 TCP ClusterIP s",
            await JsonPathAsync("service", "s", "{.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.ports[0].protocol} {.spec.type} {.spec.selector.app}"));
    }

    [Fact]
    public async Task CreateDeployment_WithCommand_StoresReplicasSelectorAndTemplate()
    {
        Assert.Contains("deployment.apps/d created", await RunOkAsync("create", "deployment", "d", "--image=busybox", "--", "sleep", "100"));

        Assert.Equal(
            "1 d d busybox sleep 100",
            await JsonPathAsync(
                "deployment",
                "d",
                "{.spec.replicas} {.spec.selector.matchLabels.app} {.spec.template.metadata.labels.app} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].command[*]}"));
    }

    [Fact]
    public async Task CreateDeployment_ZeroReplicas_KeepsExplicitZero()
    {
        await RunOkAsync("create", "deployment", "zero", "--image=busybox", "--replicas=0");

        Assert.Equal("0", await JsonPathAsync("deployment", "zero", "{.spec.replicas}"));
    }

    [Fact]
    public async Task CreateNamespace_Twice_IsAlreadyExists()
    {
        await RunOkAsync("create", "namespace", "twice");

        var again = await _k.RunAsync("create", "namespace", "twice");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("Error from server (AlreadyExists): namespaces \"twice\" already exists", again.Stderr);
    }
}
