using System.Diagnostics;
using System.Text;

namespace Podvisor.Api.Tests.Kubectl;

/// <summary>Runs the real kubectl against a test server with its own HOME and cache dir.</summary>
public sealed class Kubectl(TestServer server)
{
    private readonly string _home = Path.Combine(server.Dir, "home");

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public string WriteFile(string name, string content)
    {
        Directory.CreateDirectory(_home);
        var path = Path.Combine(_home, name);
        File.WriteAllText(path, content);
        return path;
    }

    public async Task<Result> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish: {await stdout}{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts kubectl with redirected output; the caller owns the process.</summary>
    public Process Start(params string[] args)
    {
        Directory.CreateDirectory(_home);
        var info = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        // Before a "--", which hands everything after it to the container command.
        var end = info.ArgumentList.IndexOf("--");
        info.ArgumentList.Insert(end < 0 ? info.ArgumentList.Count : end, "--cache-dir");
        info.ArgumentList.Insert(end < 0 ? info.ArgumentList.Count : end + 1, Path.Combine(_home, "cache"));
        info.Environment["KUBECONFIG"] = server.Server.KubeconfigPath;
        info.Environment["HOME"] = _home;
        return Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
    }
}
