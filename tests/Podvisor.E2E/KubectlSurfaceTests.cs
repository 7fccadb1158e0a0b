using System.Text.Json.Nodes;

namespace Podvisor.E2E;

/// <summary>The kubectl verbs users reach for first, against a real serve running real processes.</summary>
public sealed class KubectlSurfaceTests(PodvisorServer server) : IClassFixture<PodvisorServer>
{
    private static string SleepPod(string name, string labels = "app: e2e") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          labels:
            {{labels}}
        spec:
          terminationGracePeriodSeconds: 2
          containers:
          - name: main
            image: busybox
            command: ["sh", "-c", "echo started; trap 'exit 0' TERM; while true; do sleep 0.2; done"]
        """;

    [Fact]
    public async Task Version_ReportsKubernetes132()
    {
        var result = (await server.KubectlAsync("version", "-o", "json")).AssertSuccess();

        var version = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("1", (string?)version["serverVersion"]!["major"]);
        Assert.Equal("32", (string?)version["serverVersion"]!["minor"]);
    }

    [Fact]
    public async Task ApplyThenGet_ShowsRunningPodInEveryOutputFormat()
    {
        (await server.ApplyAsync(SleepPod("get-me", "app: getter"))).AssertSuccess();

        var table = await server.WaitForAsync(o => o.Contains("1/1", StringComparison.Ordinal) && o.Contains("Running", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "get", "pod", "get-me");
        Assert.Matches(@"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE", table);
        var wide = (await server.KubectlAsync("get", "pod", "get-me", "-o", "wide")).AssertSuccess().Stdout;
        Assert.Matches(@"IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES", wide);
        Assert.Contains("127.0.0.1", wide, StringComparison.Ordinal);
        var yaml = (await server.KubectlAsync("get", "pod", "get-me", "-o", "yaml")).AssertSuccess().Stdout;
        Assert.Contains("phase: Running", yaml, StringComparison.Ordinal);
        Assert.Contains("uid: ", yaml, StringComparison.Ordinal);
        var phase = (await server.KubectlAsync("get", "pod", "get-me", "-o", "jsonpath={.status.phase}")).AssertSuccess().Stdout;
        Assert.Equal("Running", phase);
        Assert.Contains("get-me", (await server.KubectlAsync("get", "pods", "-l", "app=getter")).AssertSuccess().Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("get-me", (await server.KubectlAsync("get", "pods", "-l", "app=other")).Stdout + "", StringComparison.Ordinal);
        Assert.Contains("get-me", (await server.KubectlAsync("get", "pods", "--field-selector", "metadata.name=get-me,status.phase=Running")).AssertSuccess().Stdout, StringComparison.Ordinal);
        var all = (await server.KubectlAsync("get", "pods", "-A")).AssertSuccess().Stdout;
        Assert.Matches(@"NAMESPACE\s+NAME", all);
        Assert.Matches(@"default\s+get-me", all);
    }

    [Fact]
    public async Task Apply_ChangedManifest_ClientAndServerSide_Updates()
    {
        Assert.Contains("pod/reapply created", (await server.ApplyAsync(SleepPod("reapply"))).AssertSuccess().Stdout, StringComparison.Ordinal);

        var configured = (await server.ApplyAsync(SleepPod("reapply", "app: e2e\n    tier: fe"))).AssertSuccess().Stdout;
        var serverSide = (await server.ApplyAsync(SleepPod("reapply", "app: e2e\n    tier: be"), "--server-side", "--force-conflicts")).AssertSuccess().Stdout;

        Assert.Contains("pod/reapply configured", configured, StringComparison.Ordinal);
        Assert.Contains("pod/reapply serverside-applied", serverSide, StringComparison.Ordinal);
        Assert.Equal("be", (await server.KubectlAsync("get", "pod", "reapply", "-o", "jsonpath={.metadata.labels.tier}")).AssertSuccess().Stdout);
    }

    [Fact]
    public async Task Create_ExistingName_FailsWithAlreadyExists()
    {
        var path = Path.Combine(server.DataDir, "create-twice.yaml");
        await File.WriteAllTextAsync(path, SleepPod("create-twice"));
        (await server.KubectlAsync("create", "-f", path)).AssertSuccess();

        var second = await server.KubectlAsync("create", "-f", path);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("Error from server (AlreadyExists)", second.Stderr, StringComparison.Ordinal);
        Assert.Contains("pods \"create-twice\" already exists", second.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_InvalidManifest_PrintsFieldPathAndMessage()
    {
        var result = await server.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: bad
            spec:
              containers:
              - name: main
                image: busybox
                command: ["sleep", "60"]
                livenessProbe:
                  exec:
                    command: ["true"]
                  successThreshold: 2
            """);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("The Pod \"bad\" is invalid: spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_UnknownFieldWithStrictValidation_IsRejected()
    {
        var result = await server.ApplyAsync(SleepPod("strict").Replace("  containers:", "  bogusField: 1\n  containers:", StringComparison.Ordinal), "--validate=strict");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("unknown field \"spec.bogusField\"", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetWatch_SeesCreationRunningAndDeletion()
    {
        using var watch = server.StartKubectl("get", "pods", "-w", "--field-selector", "metadata.name=watched");
        await Task.Delay(500);
        (await server.ApplyAsync(SleepPod("watched"))).AssertSuccess();
        await watch.WaitForOutputAsync(o => o.Contains("Running", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        (await server.KubectlAsync("delete", "pod", "watched", "--wait=false")).AssertSuccess();

        await watch.WaitForOutputAsync(o => o.Contains("Terminating", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var rows = watch.Stdout.Split('\n').Where(l => l.StartsWith("watched", StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count >= 3, "expected a row per transition: " + watch.Stdout);
        Assert.Contains(rows, r => r.Contains("Running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeleteAndWait_BehaveAsKubectlExpects()
    {
        (await server.ApplyAsync(SleepPod("waited"))).AssertSuccess();
        (await server.KubectlAsync("wait", "--for=condition=Ready", "pod/waited", "--timeout=60s")).AssertSuccess();

        var deleted = (await server.KubectlAsync("delete", "pod", "waited")).AssertSuccess();
        Assert.Contains("pod \"waited\" deleted", deleted.Stdout, StringComparison.Ordinal);
        var get = await server.KubectlAsync("get", "pod", "waited");
        Assert.Contains("NotFound", get.Stderr, StringComparison.Ordinal);

        (await server.ApplyAsync(SleepPod("forced"))).AssertSuccess();
        (await server.KubectlAsync("wait", "--for=condition=Ready", "pod/forced", "--timeout=60s")).AssertSuccess();
        var waitForDelete = server.KubectlAsync("wait", "--for=delete", "pod/forced", "--timeout=60s");
        (await server.KubectlAsync("delete", "pod", "forced", "--grace-period=0", "--force")).AssertSuccess();
        (await waitForDelete).AssertSuccess();
    }

    [Fact]
    public async Task DeleteNamespace_TerminatesItsPodsThenGoes_NoNewContentMeanwhile()
    {
        (await server.KubectlAsync("create", "namespace", "doomed")).AssertSuccess();
        (await server.ApplyAsync(SleepPod("resident"), "-n", "doomed")).AssertSuccess();
        (await server.KubectlAsync("-n", "doomed", "create", "configmap", "settings", "--from-literal=a=b")).AssertSuccess();
        (await server.KubectlAsync("-n", "doomed", "wait", "--for=condition=Ready", "pod/resident", "--timeout=60s")).AssertSuccess();

        (await server.KubectlAsync("delete", "namespace", "doomed", "--wait=false")).AssertSuccess();
        Assert.Equal("Terminating", (await server.KubectlAsync("get", "namespace", "doomed", "-o", "jsonpath={.status.phase}")).AssertSuccess().Stdout);
        var refused = await server.ApplyAsync(SleepPod("latecomer"), "-n", "doomed");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("unable to create new content in namespace doomed because it is being terminated", refused.Stderr, StringComparison.Ordinal);

        (await server.KubectlAsync("wait", "--for=delete", "namespace/doomed", "--timeout=60s")).AssertSuccess();
        Assert.Contains("NotFound", (await server.KubectlAsync("-n", "doomed", "get", "pod", "resident")).Stderr, StringComparison.Ordinal);
        Assert.Contains("NotFound", (await server.KubectlAsync("-n", "doomed", "get", "configmap", "settings")).Stderr, StringComparison.Ordinal);
    }
}
