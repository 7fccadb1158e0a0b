using System.Net;

namespace Podvisor.Api.Tests.Kubectl;

public sealed class KubectlWriteTests : KubectlTestBase
{
    private static string Pod(string name, string extra = "") => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
        spec:
          containers:
          - name: main
            image: busybox
        {extra}
        """;

    [Fact]
    public async Task CreateTwice_AlreadyExists_ThenDelete()
    {
        var file = _k.WriteFile("create.yaml", Pod("web-create"));
        var first = await _k.RunAsync("create", "-f", file);
        Assert.True(first.ExitCode == 0, first.All);
        Assert.Contains("pod/web-create created", first.Stdout);

        var second = await _k.RunAsync("create", "-f", file);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("Error from server (AlreadyExists): error when creating", second.Stderr);
        Assert.Contains("pods \"web-create\" already exists", second.Stderr);

        var delete = await _k.RunAsync("delete", "pod", "web-create");
        Assert.True(delete.ExitCode == 0, delete.All);
        Assert.Contains("pod \"web-create\" deleted", delete.Stdout);

        var again = await _k.RunAsync("delete", "pod", "web-create");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("NotFound", again.Stderr);
    }

    [Fact]
    public async Task Invalid_And_StrictUnknownField_AreReported()
    {
        var invalid = await _k.RunAsync("create", "-f", _k.WriteFile("bad.yaml", Pod("Bad_Name")));
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("The Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"", invalid.Stderr);

        var unknown = _k.WriteFile("unknown.yaml", Pod("strict", "bogusField: 1"));
        var strict = await _k.RunAsync("apply", "--validate=strict", "-f", unknown);
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("strict decoding error: unknown field \"bogusField\"", strict.Stderr);

        var warn = await _k.RunAsync("apply", "--validate=warn", "-f", unknown);
        Assert.True(warn.ExitCode == 0, warn.All);
        Assert.Contains("unknown field \"bogusField\"", warn.Stderr);
    }

    [Fact]
    public async Task ServerSideApply_CreatesThenUpdates_AndScaleDeployment()
    {
        var file = _k.WriteFile("ssa.yaml", Pod("web-ssa"));
        var created = await _k.RunAsync("apply", "--server-side", "-f", file);
        Assert.True(created.ExitCode == 0, created.All);
        Assert.Contains("pod/web-ssa serverside-applied", created.Stdout);
        var again = await _k.RunAsync("apply", "--server-side", "-f", _k.WriteFile("ssa2.yaml", Pod("web-ssa").Replace("name: web-ssa", "name: web-ssa\n  labels:\n    v: \"2\"", StringComparison.Ordinal)));
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains("2", (await _k.RunAsync("get", "pod", "web-ssa", "-o", "jsonpath={.metadata.labels.v}")).Stdout);

        Assert.Equal(HttpStatusCode.Created, (await _s.PostAsync("/apis/apps/v1/namespaces/default/deployments", Manifests.Deployment("web", 1))).Code);
        var scaled = await _k.RunAsync("scale", "deployment/web", "--replicas=3");
        Assert.True(scaled.ExitCode == 0, scaled.All);
        Assert.Contains("deployment.apps/web scaled", scaled.Stdout);
        var current = await _k.RunAsync("scale", "deployment/web", "--current-replicas=3", "--replicas=4");
        Assert.True(current.ExitCode == 0, current.All);
        var deploy = await _k.RunAsync("get", "deploy");
        Assert.Matches(@"web\s+0/4\s+0\s+0", deploy.Stdout);
    }

    [Fact]
    public async Task GetWatch_ShowsExistingThenNewRows()
    {
        Assert.Equal(HttpStatusCode.Created, (await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("first"))).Code);
        using var process = _k.Start("get", "pods", "-w");
        var output = new System.Text.StringBuilder();
        var lines = Channel();
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lines.Writer.TryWrite(line);
            }

            lines.Writer.TryComplete();
        });

        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await WaitForLineAsync(lines.Reader, l => l.StartsWith("first", StringComparison.Ordinal), output, deadline.Token);
            Assert.Equal(HttpStatusCode.Created, (await _s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("second"))).Code);
            await WaitForLineAsync(lines.Reader, l => l.StartsWith("second", StringComparison.Ordinal), output, deadline.Token);
            Assert.Contains("NAME", output.ToString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static System.Threading.Channels.Channel<string> Channel() => System.Threading.Channels.Channel.CreateUnbounded<string>();

    private static async Task WaitForLineAsync(System.Threading.Channels.ChannelReader<string> reader, Func<string, bool> match, System.Text.StringBuilder seen, CancellationToken ct)
    {
        await foreach (var line in reader.ReadAllAsync(ct))
        {
            seen.AppendLine(line);
            if (match(line))
            {
                return;
            }
        }

        throw new InvalidOperationException($"kubectl exited before the line appeared: {seen}");
    }
}
