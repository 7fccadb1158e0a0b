using System.Diagnostics;
using Podvisor.Commands;
using Podvisor.Testing;

namespace Podvisor.Tests.Commands;

/// <summary>The `podvisor` command line as scripts see it: the built program run as a real process.</summary>
public sealed class CommandLineTests
{
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "podvisor.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Version_PrintsPodvisorAndKubernetesVersion()
    {
        var (code, stdout, _) = await RunAsync("version");

        Assert.Equal(0, code);
        Assert.Equal($"podvisor {VersionCommand.PodvisorVersion} (Kubernetes v1.32.0)\n", stdout);
    }

    [Fact]
    public async Task Help_ListsTheContractCommandsAndServeOptions()
    {
        var (code, stdout, _) = await RunAsync("--help");
        var (serveCode, serveHelp, _) = await RunAsync("serve", "--help");

        Assert.Equal(0, code);
        foreach (var command in new[] { "serve", "down", "kubeconfig", "version" })
        {
            Assert.Matches($@"(?m)^\s+{command}\s", stdout);
        }

        Assert.Equal(0, serveCode);
        foreach (var option in new[] { "--data-dir", "--listen", "--datastore", "--runtime" })
        {
            Assert.Contains(option, serveHelp, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Kubeconfig_BeforeAnyServe_FailsNamingTheFix()
    {
        using var temp = new TempDirectory("podvisor-cli-");
        var dir = temp.Path;
        var (code, stdout, stderr) = await RunAsync("kubeconfig", "--data-dir", dir);

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Contains("start `podvisor serve` first", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Down_WithNoServeAndNoPods_ReportsNothingToTerminate()
    {
        using var temp = new TempDirectory("podvisor-cli-");
        var dir = temp.Path;
        // down brings the node up itself when no serve runs (pods may outlive a crashed serve), finds none here.
        var (code, stdout, stderr) = await RunAsync("down", "--data-dir", dir);

        Assert.True(code == 0, stderr);
        Assert.EndsWith("0 pod(s) terminated; podvisor is down\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WithABrokenImageCatalog_ExitsWithTheCatalogsError()
    {
        // The runtime opens while the API server starts; its failure must still stop serve with a clear message.
        using var temp = new TempDirectory("podvisor-cli-");
        var dir = temp.Path;
        await File.WriteAllTextAsync(Path.Combine(dir, "images.yaml"), "images:\n  - name: [broken\n");
        var (code, stdout, stderr) = await RunAsync("serve", "--data-dir", dir, "--listen", "127.0.0.1:0");

        Assert.Equal(1, code);
        Assert.DoesNotContain("kubeconfig:", stdout, StringComparison.Ordinal);
        Assert.Contains($"error: image catalog {Path.Combine(dir, "images.yaml")}:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void InstanceLock_SecondHolder_IsRefusedUntilTheFirstReleases()
    {
        using var temp = new TempDirectory("podvisor-lock-");
        var dir = temp.Path;
        using (var first = InstanceLock.TryAcquire(dir))
        {
            Assert.NotNull(first);
            Assert.Null(InstanceLock.TryAcquire(dir));
            Assert.Equal(Environment.ProcessId, InstanceLock.RunningPid(dir));
        }

        Assert.Null(InstanceLock.RunningPid(dir));
        using var again = InstanceLock.TryAcquire(dir);
        Assert.NotNull(again);
    }
}
