using System.Text.RegularExpressions;

namespace Podvisor.Api.Tests.Kubectl;

public sealed partial class KubectlApplyGetTests : KubectlTestBase
{
    private const string PodYaml = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels:
            app: web
        spec:
          containers:
          - name: nginx
            image: nginx:1.25
            ports:
            - containerPort: 80
        """;

    private const string ServiceYaml = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            app: web
          ports:
          - port: 80
            protocol: TCP
        """;

    [Fact]
    public async Task ApplyThenGet_AllOutputFormats()
    {
        var pod = _k.WriteFile("pod.yaml", PodYaml);
        var created = await _k.RunAsync("apply", "-f", pod);
        Assert.True(created.ExitCode == 0, created.All);
        Assert.Contains("pod/web created", created.Stdout);

        var changed = await _k.RunAsync("apply", "-f", _k.WriteFile("pod2.yaml", PodYaml.Replace("nginx:1.25", "nginx:1.27", StringComparison.Ordinal)));
        Assert.True(changed.ExitCode == 0, changed.All);
        Assert.Contains("pod/web configured", changed.Stdout);

        var unchanged = await _k.RunAsync("apply", "-f", _k.WriteFile("pod3.yaml", PodYaml.Replace("nginx:1.25", "nginx:1.27", StringComparison.Ordinal)));
        Assert.Contains("pod/web unchanged", unchanged.Stdout);

        var svc = await _k.RunAsync("apply", "-f", _k.WriteFile("svc.yaml", ServiceYaml));
        Assert.True(svc.ExitCode == 0, svc.All);
        Assert.Contains("service/web created", svc.Stdout);

        var get = await _k.RunAsync("get", "pods");
        Assert.True(get.ExitCode == 0, get.All);
        Assert.Matches(Spaces().Replace("NAME READY STATUS RESTARTS AGE", @"\s+"), get.Stdout);
        Assert.Matches(@"web\s+0/1\s+Pending\s+0\s+\d+s", get.Stdout);

        var wide = await _k.RunAsync("get", "pods", "-o", "wide");
        Assert.Matches(@"IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES", wide.Stdout);
        Assert.Matches(@"web\s+0/1\s+Pending\s+0\s+\S+\s+<none>\s+<none>\s+<none>\s+<none>", wide.Stdout);

        var yaml = await _k.RunAsync("get", "pod", "web", "-o", "yaml");
        Assert.Contains("image: nginx:1.27", yaml.Stdout);
        Assert.Contains("kubectl.kubernetes.io/last-applied-configuration", yaml.Stdout);
        Assert.Matches(@"uid: [0-9a-f-]{36}", yaml.Stdout);

        Assert.Contains("web", (await _k.RunAsync("get", "pods", "-l", "app=web")).Stdout);
        Assert.Contains("No resources found", (await _k.RunAsync("get", "pods", "-l", "app=other")).All);
        Assert.Contains("web", (await _k.RunAsync("get", "pods", "--field-selector", "metadata.name=web")).Stdout);

        var all = await _k.RunAsync("get", "pods", "-A");
        Assert.Matches(@"NAMESPACE\s+NAME\s+READY", all.Stdout);
        Assert.Matches(@"default\s+web\s+0/1", all.Stdout);

        var services = await _k.RunAsync("get", "svc");
        Assert.Matches(@"NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE", services.Stdout);
        Assert.Matches(@"web\s+ClusterIP\s+\S+\s+<none>\s+80/TCP", services.Stdout);

        var missing = await _k.RunAsync("get", "pod", "nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Error from server (NotFound): pods \"nope\" not found", missing.Stderr);
    }

    [Fact]
    public async Task ApiResources_ListsShortNamesAndGroups()
    {
        var result = await _k.RunAsync("api-resources");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Matches(@"pods\s+po\s+v1\s+true\s+Pod", result.Stdout);
        Assert.Matches(@"deployments\s+deploy\s+apps/v1\s+true\s+Deployment", result.Stdout);
        Assert.Matches(@"namespaces\s+ns\s+v1\s+false\s+Namespace", result.Stdout);
        Assert.Matches(@"endpointslices\s+discovery.k8s.io/v1\s+true\s+EndpointSlice", result.Stdout);
    }

    [GeneratedRegex(" ")]
    private static partial Regex Spaces();
}
