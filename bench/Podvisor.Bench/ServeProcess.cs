using System.Diagnostics;
using System.Net.Security;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Podvisor.Testing.Http;

namespace Podvisor.Bench;

/// <summary>
/// A real `podvisor serve --listen 127.0.0.1:0` on its own temp data dir, as its own process, with an HTTPS client
/// that trusts the data dir's CA and sends its bearer token. Dispose stops the server (SIGTERM, then SIGKILL after
/// a bounded wait) and deletes the data dir; call <see cref="DownAsync"/> first when pods were started.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private readonly Process _process;
    private readonly Queue<string> _log = new();
    private readonly bool _ownsDataDir;

    private ServeProcess(Process process, string dataDir, bool ownsDataDir)
    {
        _process = process;
        DataDir = dataDir;
        _ownsDataDir = ownsDataDir;
    }

    public string DataDir { get; }

    public int Pid => _process.Id;

    public string KubeconfigPath { get; private set; } = "";

    /// <summary>Bytes serve's runtime has written to its perf map so far (grows with every method it compiles); -1 unless started with logJit.</summary>
    public long JitLogLength
    {
        get
        {
            var map = new FileInfo(Path.Combine(DataDir, "jit", $"perf-{Pid}.map"));
            return map.Exists ? map.Length : -1;
        }
    }

    public Uri Server { get; private set; } = null!;

    /// <summary>From Process.Start to the "kubeconfig: PATH" line on stdout.</summary>
    public TimeSpan StartToKubeconfig { get; private set; }

    /// <summary>
    /// From Process.Start to the first 200 from GET /readyz, polled every 5 ms from the start on the port the
    /// benchmark chose (<c>measureReadyz</c>); null when not measured.
    /// </summary>
    public TimeSpan? StartToReadyz { get; private set; }

    /// <summary>Authenticated HTTPS client (keep-alive; one connection per concurrent request).</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The last lines the server wrote to stderr, for error messages.</summary>
    public string RecentLog
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <summary>
    /// The podvisor to run: $PODVISOR_BENCH_BINARY (the shipped publish's executable, artifacts/podvisor/podvisor, or
    /// any podvisor.dll; $PODVISOR_BENCH_DLL is the older name) if set, else the podvisor.dll the Release build of
    /// src/Podvisor produced, else the copy next to this benchmark.
    /// </summary>
    public static string Podvisor
    {
        get
        {
            if ((Environment.GetEnvironmentVariable("PODVISOR_BENCH_BINARY") ?? Environment.GetEnvironmentVariable("PODVISOR_BENCH_DLL")) is { Length: > 0 } chosen)
            {
                return Path.GetFullPath(chosen);
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var built = Path.Combine(dir.FullName, "src", "Podvisor", "bin", "Release", "net10.0", "podvisor.dll");
                if (File.Exists(Path.Combine(dir.FullName, "Podvisor.slnx")) && File.Exists(built))
                {
                    return built;
                }
            }

            return Path.Combine(AppContext.BaseDirectory, "podvisor.dll");
        }
    }

    /// <summary>The managed entry assembly of <see cref="Podvisor"/> (itself, or podvisor.dll beside an executable).</summary>
    public static string PodvisorDll => Podvisor.EndsWith(".dll", StringComparison.Ordinal)
        ? Podvisor
        : Path.Combine(Path.GetDirectoryName(Podvisor)!, "podvisor.dll");

    /// <summary>True when <see cref="Podvisor"/> is a self-contained executable (the shipped publish), not a dll for `dotnet`.</summary>
    public static bool IsExecutable => !Podvisor.EndsWith(".dll", StringComparison.Ordinal);

    /// <summary>`podvisor ARGS` with redirected output: the executable itself, or `dotnet podvisor.dll ARGS`.</summary>
    public static ProcessStartInfo Command(params string[] args)
    {
        var info = new ProcessStartInfo(IsExecutable ? Podvisor : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!IsExecutable)
        {
            info.ArgumentList.Add(Podvisor);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    /// <summary>Starts serve and returns once it printed "kubeconfig: PATH" (bounded: 60 s).</summary>
    /// <param name="logJit">Has the runtime append every method it compiles to a perf map in the data dir, so
    /// <see cref="JitLogLength"/> shows when serve's tiered JIT has settled. Costs a line written per compiled method.</param>
    public static async Task<ServeProcess> StartAsync(string? dataDir, CancellationToken ct, bool measureReadyz = false, bool logJit = false)
    {
        var owns = dataDir is null;
        var listen = measureReadyz ? $"127.0.0.1:{FreePort()}" : "127.0.0.1:0";
        dataDir ??= Directory.CreateTempSubdirectory("podvisor-bench-").FullName;
        var info = Command("serve", "--data-dir", dataDir, "--listen", listen);
        if (logJit)
        {
            // 3: the perf map only (jitted code, no jitdump), written to PerfMapJitDumpPath/perf-PID.map.
            info.Environment["DOTNET_PerfMapEnabled"] = "3";
            info.Environment["DOTNET_PerfMapJitDumpPath"] = Directory.CreateDirectory(Path.Combine(dataDir, "jit")).FullName;
        }

        var sw = Stopwatch.StartNew();
        var serve = new ServeProcess(Process.Start(info)!, dataDir, owns);
        var readyz = measureReadyz ? PollReadyzAsync(dataDir, new Uri($"https://{listen}/readyz"), sw, ct) : null;
        serve._process.ErrorDataReceived += (_, e) => serve.Keep(e.Data);
        serve._process.BeginErrorReadLine();
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(60));
            while (true)
            {
                var line = await serve._process.StandardOutput.ReadLineAsync(deadline.Token)
                    ?? throw new InvalidOperationException("podvisor serve exited before it was ready:\n" + serve.RecentLog);
                if (line.StartsWith("kubeconfig: ", StringComparison.Ordinal))
                {
                    serve.StartToKubeconfig = sw.Elapsed;
                    serve.KubeconfigPath = line["kubeconfig: ".Length..];
                    break;
                }
            }

            _ = serve._process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var server = File.ReadLines(serve.KubeconfigPath).Select(l => l.Trim()).First(l => l.StartsWith("server:", StringComparison.Ordinal));
            serve.Server = new Uri(server["server:".Length..].Trim());
            serve.Http = CreateClient(dataDir, serve.Server);
            serve.StartToReadyz = readyz is null ? null : await readyz;
            return serve;
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }
    }

    /// <summary>True when <paramref name="dll"/> carries ReadyToRun (precompiled) code.</summary>
    public static bool IsReadyToRun(string dll)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(dll));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    // /readyz needs no token; a new data dir's CA is written just before the server listens, so the client reads it
    // at the first handshake instead of at its creation.
    private static async Task<TimeSpan> PollReadyzAsync(string dataDir, Uri readyz, Stopwatch sinceStart, CancellationToken ct)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                {
                    using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dataDir, "pki", "ca.crt")));
                    return (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && CaTrust.ChainsTo(cert, ca);
                },
            },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        while (sinceStart.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await client.GetAsync(readyz, ct);
                if (response.IsSuccessStatusCode)
                {
                    return sinceStart.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(5, ct);
        }

        throw new TimeoutException($"{readyz} never answered OK within 60 s");
    }

    /// <summary>An HTTPS client for this data dir's server: trusts only its CA, sends its token.</summary>
    public static HttpClient CreateClient(string dataDir, Uri server)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dataDir, "pki", "ca.crt")));
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                    (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && CaTrust.ChainsTo(cert, ca),
            },
        };
        var http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", File.ReadAllText(Path.Combine(dataDir, "token")).Trim());
        return http;
    }

    /// <summary>POSTs a JSON object; throws with the server's answer unless it is 2xx.</summary>
    public async Task<JsonObject> PostAsync(string path, JsonObject body, CancellationToken ct)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(path, content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> GetAsync(string path, CancellationToken ct)
    {
        using var response = await Http.GetAsync(path, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>
    /// `podvisor down --data-dir DIR`: stops this serve (SIGTERM), then terminates every pod gracefully. Bounded by
    /// <paramref name="timeout"/>; returns its exit code and output.
    /// </summary>
    public async Task<(int ExitCode, string Output)> DownAsync(TimeSpan timeout, CancellationToken ct)
    {
        var info = Command("down", "--data-dir", DataDir);

        using var down = Process.Start(info)!;
        var stdout = down.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = down.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await down.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            down.Kill(entireProcessTree: true);
            await down.WaitForExitAsync(CancellationToken.None);
            return (-1, $"podvisor down did not finish within {timeout.TotalSeconds:0} s\n{await stdout}{await stderr}");
        }

        return (down.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>SIGTERM, a bounded wait (30 s), then SIGKILL. Pods keep running (serve's contract): use DownAsync for those.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = Kill(_process.Id, SigTerm);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _ = Kill(_process.Id, SigKill);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http?.Dispose();
        _process.Dispose();
        if (_ownsDataDir)
        {
            DeleteDir(DataDir);
        }
    }

    /// <summary>Deletes a directory tree; a container's last log write can race the delete, so it retries once.</summary>
    public static void DeleteDir(string dir)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 2)
            {
                Thread.Sleep(200);
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > 100)
            {
                _log.Dequeue();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
