using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Podvisor.E2E;

/// <summary>
/// A real `podvisor serve` (the shipped publish, <see cref="ShippedBinary"/>) on a free port with its own data dir, driven by the real kubectl with its own cache dir.
/// Dispose deletes every pod (gracefully, so nothing is left running), stops the server and removes the data dir.
/// </summary>
public sealed class PodvisorServer : IAsyncLifetime
{
    private Process? _process;
    private readonly StringBuilder _stderr = new();

    public string DataDir { get; } = Directory.CreateTempSubdirectory("podvisor-e2e-").FullName;

    public string KubeconfigPath { get; private set; } = "";

    public string CacheDir => Path.Combine(DataDir, "kubectl-cache");

    public string ServerLog
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public Task InitializeAsync() => StartAsync();

    /// <summary>SIGKILLs serve alone (containers live in their own sessions and keep running), as a crash would.</summary>
    public async Task KillServeAsync()
    {
        var process = _process ?? throw new InvalidOperationException("not started");
        Assert.Equal(0, Kill(process.Id, 9));
        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    /// <summary>Starts serve on the same data dir; returns once it printed its kubeconfig (rewritten with the new port).</summary>
    public async Task StartAsync()
    {
        var info = await ShippedBinary.CommandAsync("serve", "--data-dir", DataDir, "--listen", "127.0.0.1:0");

        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(cts.Token)
                ?? throw new InvalidOperationException("podvisor serve exited before it was ready:\n" + ServerLog);
            if (line.StartsWith("kubeconfig: ", StringComparison.Ordinal))
            {
                KubeconfigPath = line["kubeconfig: ".Length..];
                break;
            }
        }

        _ = _process.StandardOutput.ReadToEndAsync();
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await KubectlAsync("delete", "pods", "--all", "--all-namespaces", "--grace-period=1", "--timeout=60s");
            _ = Kill(_process.Id, 15);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // a container's last log write raced the delete; the temp dir is harmless
        }
    }

    /// <summary>Runs kubectl against this server; bounded by a timeout.</summary>
    public Task<KubectlResult> KubectlAsync(params string[] args) => KubectlWithInputAsync(null, TimeSpan.FromSeconds(90), args);

    public async Task<KubectlResult> KubectlWithInputAsync(string? stdin, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(KubeconfigPath);
        info.ArgumentList.Add("--cache-dir");
        info.ArgumentList.Add(CacheDir);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return new KubectlResult(process.ExitCode, await stdout, await stderr, string.Join(' ', args));
    }

    /// <summary>Starts kubectl and leaves it running (for -w, logs -f, port-forward); dispose kills it.</summary>
    public RunningKubectl StartKubectl(params string[] args)
    {
        var info = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--kubeconfig", KubeconfigPath, "--cache-dir", CacheDir }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        return new RunningKubectl(Process.Start(info)!);
    }

    /// <summary>Applies a manifest given as text.</summary>
    public async Task<KubectlResult> ApplyAsync(string manifest, params string[] extra)
    {
        var path = Path.Combine(DataDir, $"manifest-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, manifest);
        return await KubectlAsync(["apply", "-f", path, .. extra]);
    }

    /// <summary>Polls a kubectl query until the predicate holds; fails with the last output at the deadline.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> predicate, TimeSpan timeout, params string[] args)
    {
        var deadline = DateTime.UtcNow + timeout;
        KubectlResult last;
        do
        {
            last = await KubectlAsync(args);
            if (last.ExitCode == 0 && predicate(last.Stdout))
            {
                return last.Stdout;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"kubectl {string.Join(' ', args)} never matched; last: rc={last.ExitCode} {last.Stdout} {last.Stderr}");
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}

public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr, string Command)
{
    public KubectlResult AssertSuccess()
    {
        Assert.True(ExitCode == 0, $"kubectl {Command} failed ({ExitCode}): {Stdout}\n{Stderr}");
        return this;
    }
}

/// <summary>A kubectl left running; output is collected as it arrives.</summary>
public sealed class RunningKubectl : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    public RunningKubectl(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public async Task WaitForOutputAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!predicate(Stdout))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"output never matched:\n{Stdout}\n{Stderr}");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder sb, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (sb)
        {
            sb.AppendLine(line);
        }
    }
}
