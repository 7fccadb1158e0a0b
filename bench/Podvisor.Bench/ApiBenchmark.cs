using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Podvisor.Bench;

/// <summary>
/// The API server as a user meets it, measured in one run beside a bare ASP.NET Core app (bench/Podvisor.Bench.BareApp,
/// one endpoint, same GC settings) started the same way: process start -> first OK answer, idle RSS, the LIST that
/// `kubectl get pods` makes with 1,000 pods in the store (over HTTPS with the bearer token), the whole kubectl wall
/// time, and watch latency from a write to an HTTPS watcher. Pods are bound to a node that does not exist, so they
/// stay Pending and start no process. Every count and wait is bounded; every process it starts is stopped.
/// </summary>
internal sealed partial class ApiBenchmark : IBenchmark
{
    /// <summary>What kubectl 1.2x sends for `get pods`.</summary>
    private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    /// <summary>No compiled method in either process for this long ends the watch warm-up.</summary>
    private static readonly TimeSpan JitQuietPeriod = TimeSpan.FromSeconds(2);

    /// <summary>The longest the watch warm-up goes on waiting for the JIT to settle.</summary>
    private static readonly TimeSpan MaxWarmup = TimeSpan.FromSeconds(60);

    public string Name => "api";

    public string Description => "api: serve start -> /readyz and idle RSS vs a bare ASP.NET Core app, kubectl get pods with 1,000 pods, HTTPS watch latency";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var runs = Machine.Arg(args, "--runs", 5);
        var idleSeconds = Machine.Arg(args, "--idle", 10);
        var podCount = Machine.Arg(args, "--pods", 1000);
        var requests = Machine.Arg(args, "--requests", 100);
        var events = Machine.Arg(args, "--events", 1000);
        var warmup = Machine.Arg(args, "--warmup", 3000);
        // --only start|list|watch runs one part: (a)+(b), (c) or (d); the default runs all of them.
        var only = Machine.Arg(args, "--only", "all");
        bool Runs(string part) => only == "all" || only == part;
        var command = $"dotnet run -c Release --project bench/Podvisor.Bench -- api --runs {runs} --idle {idleSeconds} --pods {podCount} --requests {requests} --events {events} --warmup {warmup}" + (only == "all" ? "" : $" --only {only}");
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(Machine.Header("api benchmark (start)"));
        var readyToRun = ServeProcess.IsReadyToRun(ServeProcess.PodvisorDll);
        if (ServeProcess.IsExecutable)
        {
            command = $"dotnet publish src/Podvisor -c Release -r linux-x64 -o artifacts/podvisor && PODVISOR_BENCH_BINARY=artifacts/podvisor/podvisor {command}";
        }
        else if (readyToRun)
        {
            command = $"PODVISOR_BENCH_BINARY={ServeProcess.Podvisor} {command}";
        }

        var kind = ServeProcess.IsExecutable ? "the shipped publish: self-contained, trimmed, ReadyToRun"
            : readyToRun ? "a ReadyToRun dll run by dotnet"
            : "JIT build; PODVISOR_BENCH_BINARY=artifacts/podvisor/podvisor runs the shipped publish";
        Console.WriteLine($"  podvisor: {ServeProcess.Podvisor} ({kind})");
        Console.WriteLine($"  bare app: {BareApp.Dll}");

        // (a) and (b): alternate bare app and serve so drifting load hits both alike.
        var bareStart = new List<double>();
        var bareRss = new List<double>();
        var serveCold = new List<double>();
        var serveWarm = new List<double>();
        var serveKubeconfig = new List<double>();
        var serveRss = new List<double>();
        for (var i = 0; i < (Runs("start") ? runs : 0); i++)
        {
            await using (var bare = await BareApp.StartAsync(ct))
            {
                bareStart.Add(bare.StartToFirstResponse.TotalMilliseconds);
                if (i < 3)
                {
                    await Task.Delay(TimeSpan.FromSeconds(idleSeconds), ct);
                    bareRss.Add(Machine.RssMiB(bare.Pid) ?? double.NaN);
                }
            }

            var dir = Directory.CreateTempSubdirectory("podvisor-bench-api-").FullName;
            try
            {
                await using (var serve = await ServeProcess.StartAsync(dir, ct, measureReadyz: true))
                {
                    serveCold.Add(serve.StartToReadyz!.Value.TotalMilliseconds);
                    serveKubeconfig.Add(serve.StartToKubeconfig.TotalMilliseconds);
                    if (i < 3)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(idleSeconds), ct);
                        serveRss.Add(Machine.RssMiB(serve.Pid) ?? double.NaN);
                    }
                }

                // Second start on the same data dir: PKI, token and database already exist.
                await using (var serve = await ServeProcess.StartAsync(dir, ct, measureReadyz: true))
                {
                    serveWarm.Add(serve.StartToReadyz!.Value.TotalMilliseconds);
                }
            }
            finally
            {
                ServeProcess.DeleteDir(dir);
            }
        }

        // A floor for (a): the same binary doing almost nothing (runtime start, podvisor's assemblies, System.CommandLine).
        var version = new List<double>();
        for (var i = 0; i < (Runs("start") ? runs : 0); i++)
        {
            version.Add(await VersionAsync(ct));
        }

        // (c) and (d) on one server.
        double[] tableLatencies = [], kubectlPageLatencies = [], jsonLatencies = [];
        List<double> kubectlWall = [];
        List<string> kubectlReported = [];
        double createSeconds = 0;
        int pages = 0;
        long tableBytes = 0;
        (double P50, double P99) fsync = (double.NaN, double.NaN);
        var watch = new List<WatchRun>();
        await using (var serve = Runs("list") || Runs("watch") ? await ServeProcess.StartAsync(null, ct, logJit: Runs("watch")) : null)
        {
            var sw = Stopwatch.StartNew();
            if (serve is not null && Runs("list"))
            {
                await CreatePendingPodsAsync(serve, podCount, ct);
                createSeconds = sw.Elapsed.TotalSeconds;
                var list = await serve.GetAsync("/api/v1/namespaces/default/pods", ct);
                var listed = list["items"]!.AsArray().Count;
                if (listed != podCount)
                {
                    throw new InvalidOperationException($"listed {listed} pods, created {podCount}");
                }

                (tableLatencies, tableBytes, _) = await TimeListAsync(serve, "/api/v1/namespaces/default/pods", TableAccept, requests, ct);
                (kubectlPageLatencies, _, pages) = await TimeListAsync(serve, "/api/v1/namespaces/default/pods?limit=500", TableAccept, requests, ct);
                (jsonLatencies, _, _) = await TimeListAsync(serve, "/api/v1/namespaces/default/pods", "application/json", requests, ct);
                (kubectlWall, kubectlReported) = await KubectlGetPodsAsync(serve, 6, ct);
            }

            if (serve is not null && Runs("watch"))
            {
                fsync = Machine.FsyncCheckMillis(serve.DataDir);
            }

            foreach (var watchers in serve is not null && Runs("watch") ? (int[])[1, 10] : [])
            {
                watch.Add(await WatchLatencyAsync(serve!, watchers, warmup, watchers == 1 ? events : Math.Max(1, events / 2), ct));
            }
        }

        // Every data dir this benchmark creates is named podvisor-bench-*, so this finds only its own servers.
        var left = Machine.ProcessesMentioning("podvisor-bench-");
        left.AddRange(Machine.ProcessesMentioning(BareApp.Dll));

        string Ms(double v) => v.ToString("F1", inv);
        string Met(bool met) => met ? "met" : "MISSED";
        var bareStartMedian = Median(bareStart);
        var coldMedian = Median(serveCold);
        var bareRssMedian = Median(bareRss);
        var serveRssMedian = Median(serveRss);
        var tableP50 = Machine.Percentile(tableLatencies, 50);
        var tableP99 = Machine.Percentile(tableLatencies, 99);
        Console.WriteLine(Machine.Header("api benchmark (end)"));
        if (Runs("start"))
        {
            Console.WriteLine($"(a) process start -> first OK answer, median of {runs} (min..max):");
            Console.WriteLine($"    bare ASP.NET Core app (HTTP GET /):              {Ms(bareStartMedian),7} ms  ({Ms(bareStart.Min())}..{Ms(bareStart.Max())})");
            Console.WriteLine($"    podvisor serve, new data dir (HTTPS /readyz, polled every 5 ms from the start):{Ms(coldMedian),7} ms  ({Ms(serveCold.Min())}..{Ms(serveCold.Max())}); to \"kubeconfig:\" {Ms(Median(serveKubeconfig))} ms");
            Console.WriteLine($"    podvisor serve, existing data dir:               {Ms(Median(serveWarm)),7} ms  ({Ms(serveWarm.Min())}..{Ms(serveWarm.Max())})");
            Console.WriteLine($"    `dotnet podvisor.dll version`, start -> exit (floor): {Ms(Median(version)),7} ms  ({Ms(version.Min())}..{Ms(version.Max())})");
            Console.WriteLine(string.Create(inv, $"    ratio (new data dir) {coldMedian / bareStartMedian:F2}x, (existing) {Median(serveWarm) / bareStartMedian:F2}x (goal <= 1.5x): {Met(coldMedian <= 1.5 * bareStartMedian)}"));
            Console.WriteLine($"(b) idle RSS {idleSeconds} s after the first answer, median of {bareRss.Count}:");
            Console.WriteLine(string.Create(inv, $"    bare app {bareRssMedian:F1} MiB, podvisor serve {serveRssMedian:F1} MiB ({string.Join(", ", serveRss.Select(r => r.ToString("F1", inv)))}): ratio {serveRssMedian / bareRssMedian:F2}x (goal <= 1.3x): {Met(serveRssMedian <= 1.3 * bareRssMedian)}"));
        }

        if (Runs("list"))
        {
            Console.WriteLine(string.Create(inv, $"(c) {podCount} pods (Pending) in the store, created in {createSeconds:F1} s; {requests} requests each on a warm HTTPS connection, send -> last byte:"));
            Console.WriteLine($"    GET /api/v1/namespaces/default/pods, Table Accept ({tableBytes / 1024} KiB): p50 {Ms(tableP50)} ms, p99 {Ms(tableP99)} ms (goal < 50 ms): {Met(tableP99 < 50)}");
            Console.WriteLine($"    the same with ?limit=500 as kubectl sends it, all {pages} page(s): p50 {Ms(Machine.Percentile(kubectlPageLatencies, 50))} ms, p99 {Ms(Machine.Percentile(kubectlPageLatencies, 99))} ms");
            Console.WriteLine($"    GET .../pods as plain JSON (for comparison): p50 {Ms(Machine.Percentile(jsonLatencies, 50))} ms, p99 {Ms(Machine.Percentile(jsonLatencies, 99))} ms");
            Console.WriteLine($"    kubectl get pods, whole wall time (process start to exit), {kubectlWall.Count} runs: first {Ms(kubectlWall[0])} ms (cold discovery cache), median of the rest {Ms(Median(kubectlWall.Skip(1).ToList()))} ms");
            Console.WriteLine($"    kubectl -v=6 reports for its LIST request(s): {string.Join("; ", kubectlReported)}");
        }

        if (watch.Count > 0)
        {
            Console.WriteLine($"(d) the data dir's disk just before: 4 KiB write + fsync p50 {Ms(fsync.P50)} ms, p99 {Ms(fsync.P99)} ms (200 times; a commit waits for one)");
        }

        foreach (var (watchers, cold, warmWrites, warmupSeconds, jitQuiet, fromSend, fromAck, post) in watch)
        {
            var settled = jitQuiet
                ? $"until neither serve nor this client had compiled a method for {JitQuietPeriod.TotalSeconds:0} s"
                : $"JIT still compiling after {MaxWarmup.TotalSeconds:0} s";
            Console.WriteLine(
                $"(d) watch over HTTPS, {watchers} watcher(s), warm-up (not judged): the first {warmWrites} writes, {warmupSeconds.ToString("F1", inv)} s ({settled}): " +
                $"write sent -> event read p50 {Ms(Machine.Percentile(cold, 50))} ms, p99 {Ms(Machine.Percentile(cold, 99))} ms");
            Console.WriteLine(
                $"(d) watch over HTTPS, {watchers} watcher(s), the next {fromSend.Count / watchers} writes: write sent -> event read p50 {Ms(Machine.Percentile(fromSend, 50))} ms, p99 {Ms(Machine.Percentile(fromSend, 99))} ms " +
                $"(goal p99 < 5 ms): {Met(Machine.Percentile(fromSend, 99) < 5)}; write acknowledged -> event read p50 {Ms(Machine.Percentile(fromAck, 50))} ms, p99 {Ms(Machine.Percentile(fromAck, 99))} ms; " +
                $"the POST alone (sent -> acknowledged) p50 {Ms(Machine.Percentile(post, 50))} ms, p99 {Ms(Machine.Percentile(post, 99))} ms, max {Ms(post.Max())} ms");
        }

        Console.WriteLine($"processes left: {(left.Count == 0 ? "none" : string.Join(", ", left))}");
        Console.WriteLine($"reproduce: {command}");
        return left.Count == 0 ? 0 : 1;
    }

    private static async Task<double> VersionAsync(CancellationToken ct)
    {
        var info = ServeProcess.Command("version");
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        _ = process.StandardError.ReadToEndAsync(ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(deadline.Token);
        await output;
        return sw.Elapsed.TotalMilliseconds;
    }

    private static async Task CreatePendingPodsAsync(ServeProcess serve, int count, CancellationToken ct)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(
            async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    await serve.PostAsync("/api/v1/namespaces/default/pods", Pod($"pending-{i:D4}"), ct);
                }
            },
            ct)));
    }

    /// <summary>A pod bound to a node nobody runs: it stays Pending, so no process starts; a realistic spec otherwise.</summary>
    private static JsonObject Pod(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = "bench", ["tier"] = "api" } },
        ["spec"] = new JsonObject
        {
            ["nodeName"] = "bench-node-that-does-not-exist",
            ["terminationGracePeriodSeconds"] = 1,
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "app",
                ["image"] = "busybox",
                ["command"] = new JsonArray("sleep", "3600"),
                ["env"] = new JsonArray(new JsonObject { ["name"] = "MODE", ["value"] = "bench" }),
                ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "TCP" }),
            }),
        },
    };

    /// <summary>Times a LIST, following "continue" tokens as kubectl does; returns per-request latencies (all pages).</summary>
    private static async Task<(double[] Latencies, long Bytes, int Pages)> TimeListAsync(ServeProcess serve, string path, string accept, int requests, CancellationToken ct)
    {
        var latencies = new List<double>();
        long bytes = 0;
        var pages = 0;
        for (var i = -5; i < requests; i++)
        {
            var sw = Stopwatch.StartNew();
            var url = path;
            pages = 0;
            bytes = 0;
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.ParseAdd(accept);
                using var response = await serve.Http.SendAsync(request, ct);
                var body = await response.Content.ReadAsByteArrayAsync(ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
                }

                pages++;
                bytes += body.Length;
                using var doc = JsonDocument.Parse(body);
                if (!path.Contains("limit=", StringComparison.Ordinal)
                    || !doc.RootElement.TryGetProperty("metadata", out var meta)
                    || !meta.TryGetProperty("continue", out var cont)
                    || cont.GetString() is not { Length: > 0 } token)
                {
                    break;
                }

                url = path + "&continue=" + Uri.EscapeDataString(token);
                if (pages > 100)
                {
                    throw new InvalidOperationException("more than 100 pages");
                }
            }

            if (i >= 0)
            {
                latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
        }

        return ([.. latencies], bytes, pages);
    }

    /// <summary>Runs the real `kubectl get pods -v=6` (own cache dir); wall times and the request times it reports.</summary>
    private static async Task<(List<double> Wall, List<string> Reported)> KubectlGetPodsAsync(ServeProcess serve, int runs, CancellationToken ct)
    {
        var cache = Path.Combine(serve.DataDir, "kubectl-cache");
        var wall = new List<double>();
        var reported = new List<string>();
        for (var i = 0; i < runs; i++)
        {
            var info = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "--kubeconfig", serve.KubeconfigPath, "--cache-dir", cache, "get", "pods", "-v=6" })
            {
                info.ArgumentList.Add(arg);
            }

            var sw = Stopwatch.StartNew();
            using var kubectl = Process.Start(info)!;
            var stdout = kubectl.StandardOutput.ReadToEndAsync(ct);
            var stderr = kubectl.StandardError.ReadToEndAsync(ct);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(60));
            try
            {
                await kubectl.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                kubectl.Kill(entireProcessTree: true);
                throw new InvalidOperationException("kubectl get pods took over 60 s");
            }

            wall.Add(sw.Elapsed.TotalMilliseconds);
            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            if (kubectl.ExitCode != 0 || lines < 2)
            {
                throw new InvalidOperationException($"kubectl get pods failed ({kubectl.ExitCode}): {await stderr}");
            }

            var pods = RoundTrip().Matches(await stderr).Where(m => m.Groups["url"].Value.Contains("/pods", StringComparison.Ordinal))
                .Select(m => $"{m.Groups["ms"].Value} ms").ToList();
            reported.Add($"run {i + 1}: {string.Join(" + ", pods)} ({lines - 1} rows)");
        }

        return (wall, reported);
    }

    /// <summary>
    /// Watchers on configmaps over HTTPS; one writer POSTs one configmap at a time and waits until every watcher read
    /// its event (bounded) before the next, so each latency is measured alone. The writes until the JIT has settled
    /// are returned apart (Cold): at least <paramref name="warmup"/> of them, then on until neither serve (its perf
    /// map, see <see cref="ServeProcess.JitLogLength"/>) nor this client compiled a method for
    /// <see cref="JitQuietPeriod"/> (at most <see cref="MaxWarmup"/>). Tiered compilation re-compiles the hot path in
    /// the background on the same 2 cores for several seconds; the judged figures are the writes after it (steady state).
    /// </summary>
    private static async Task<WatchRun> WatchLatencyAsync(ServeProcess serve, int watcherCount, int warmup, int measured, CancellationToken ct)
    {
        var ns = $"watch{watcherCount}";
        await serve.PostAsync("/api/v1/namespaces", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } }, ct);
        var rv = (string)(await serve.GetAsync($"/api/v1/namespaces/{ns}/configmaps", ct))["metadata"]!["resourceVersion"]!;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(MaxWarmup + TimeSpan.FromSeconds(120));
        var arrivals = new long[watcherCount, measured];
        var lastWarm = new long[watcherCount];
        var received = new int[watcherCount];
        var subscribed = new bool[watcherCount];
        using var delivered = new SemaphoreSlim(0);
        var clients = Enumerable.Range(0, watcherCount).Select(_ => ServeProcess.CreateClient(serve.DataDir, serve.Server)).ToList();
        var watchers = new List<Task>();
        try
        {
            // Each watcher first reads a probe event that is not measured, which proves it is subscribed before the
            // timed writes; resourceVersion makes the stream replay it if the watch subscribed late.
            for (var w = 0; w < watcherCount; w++)
            {
                var watcher = w;
                watchers.Add(Task.Run(
                    async () =>
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv}");
                        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                        using var response = await clients[watcher].SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                        response.EnsureSuccessStatusCode();
                        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                        while (Volatile.Read(ref received[watcher]) < measured && await reader.ReadLineAsync(stop.Token) is { } line)
                        {
                            var now = Stopwatch.GetTimestamp();
                            using var doc = JsonDocument.Parse(line);
                            if (doc.RootElement.GetProperty("type").GetString() != "ADDED")
                            {
                                continue;
                            }

                            var name = doc.RootElement.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString()!;
                            if (name == "probe")
                            {
                                Volatile.Write(ref subscribed[watcher], true);
                                continue;
                            }

                            if (name.StartsWith("warm-", StringComparison.Ordinal))
                            {
                                Volatile.Write(ref lastWarm[watcher], now);
                            }
                            else
                            {
                                arrivals[watcher, int.Parse(name.AsSpan(2), CultureInfo.InvariantCulture)] = now;
                                Interlocked.Increment(ref received[watcher]);
                            }

                            delivered.Release();
                        }
                    },
                    stop.Token));
            }

            await serve.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("probe"), stop.Token);
            var probing = Stopwatch.StartNew();
            while (Enumerable.Range(0, watcherCount).Any(w => !Volatile.Read(ref subscribed[w])))
            {
                if (probing.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException("a watcher did not see the probe event within 30 s");
                }

                await Task.Delay(10, stop.Token);
            }

            // Waits without spinning: on 2 cores a spinning writer would take CPU from the server it measures.
            async Task AwaitEveryWatcherAsync(string name)
            {
                for (var w = 0; w < watcherCount; w++)
                {
                    if (!await delivered.WaitAsync(TimeSpan.FromSeconds(10), stop.Token))
                    {
                        throw new InvalidOperationException($"event {name} not delivered to every watcher within 10 s");
                    }
                }
            }

            var cold = new List<double>();
            var warming = Stopwatch.StartNew();
            var jit = (serve.JitLogLength, JitInfo.GetCompiledMethodCount());
            var jitChanged = Stopwatch.StartNew();
            var warmWrites = 0;
            while (warmWrites < warmup || (jitChanged.Elapsed < JitQuietPeriod && warming.Elapsed < MaxWarmup))
            {
                var name = $"warm-{warmWrites++}";
                var sent = Stopwatch.GetTimestamp();
                await serve.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ConfigMap(name), stop.Token);
                await AwaitEveryWatcherAsync(name);
                for (var w = 0; w < watcherCount; w++)
                {
                    cold.Add(Stopwatch.GetElapsedTime(sent, Volatile.Read(ref lastWarm[w])).TotalMilliseconds);
                }

                var now = (serve.JitLogLength, JitInfo.GetCompiledMethodCount());
                if (now != jit)
                {
                    jit = now;
                    jitChanged.Restart();
                }
            }

            var warmupSeconds = warming.Elapsed.TotalSeconds;
            var jitQuiet = jitChanged.Elapsed >= JitQuietPeriod;
            var fromSend = new List<double>();
            var fromAck = new List<double>();
            var post = new List<double>();
            for (var i = 0; i < measured; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                await serve.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ConfigMap($"w-{i}"), stop.Token);
                var acked = Stopwatch.GetTimestamp();
                post.Add(Stopwatch.GetElapsedTime(sent, acked).TotalMilliseconds);
                await AwaitEveryWatcherAsync($"w-{i}");
                for (var w = 0; w < watcherCount; w++)
                {
                    fromSend.Add(Stopwatch.GetElapsedTime(sent, arrivals[w, i]).TotalMilliseconds);
                    fromAck.Add(Math.Max(0, Stopwatch.GetElapsedTime(acked, arrivals[w, i]).TotalMilliseconds));
                }
            }

            await Task.WhenAll(watchers).WaitAsync(stop.Token);
            return new WatchRun(watcherCount, cold, warmWrites, warmupSeconds, jitQuiet, fromSend, fromAck, post);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static JsonObject ConfigMap(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["data"] = new JsonObject { ["payload"] = new string('x', 256) },
    };

    private static double Median(List<double> values) => Machine.Percentile(values, 50);

    [GeneratedRegex(@"(?:GET|POST) (?<url>\S+) \d{3} [^\n]*? in (?<ms>\d+) milliseconds")]
    private static partial Regex RoundTrip();

    /// <summary>bench/Podvisor.Bench.BareApp as its own process: start -> "listening: URL" -> first GET / answered.</summary>
    private sealed class BareApp : IAsyncDisposable
    {
        private readonly Process _process;

        private BareApp(Process process) => _process = process;

        public static string Dll
        {
            get
            {
                // bench/Podvisor.Bench/bin/<Configuration>/net10.0/ -> bench/Podvisor.Bench.BareApp/bin/<Configuration>/net10.0/
                var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
                var configuration = output.Parent!.Name;
                var bench = output.Parent.Parent!.Parent!.Parent!.FullName;
                return Path.Combine(bench, "Podvisor.Bench.BareApp", "bin", configuration, output.Name, "Podvisor.Bench.BareApp.dll");
            }
        }

        public int Pid => _process.Id;

        public TimeSpan StartToFirstResponse { get; private set; }

        public static async Task<BareApp> StartAsync(CancellationToken ct)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Dll);
            var sw = Stopwatch.StartNew();
            var app = new BareApp(Process.Start(info)!);
            try
            {
                _ = app._process.StandardError.ReadToEndAsync(CancellationToken.None);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(TimeSpan.FromSeconds(60));
                string url;
                while (true)
                {
                    var line = await app._process.StandardOutput.ReadLineAsync(deadline.Token)
                        ?? throw new InvalidOperationException("the bare app exited before it listened");
                    if (line.StartsWith("listening: ", StringComparison.Ordinal))
                    {
                        url = line["listening: ".Length..];
                        break;
                    }
                }

                _ = app._process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                using var http = new HttpClient { BaseAddress = new Uri(url) };
                (await http.GetAsync("/", deadline.Token)).EnsureSuccessStatusCode();
                app.StartToFirstResponse = sw.Elapsed;
                return app;
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync(CancellationToken.None);
            }

            _process.Dispose();
        }
    }
}

/// <summary>One watch measurement: the warm-up writes (Cold) and the judged ones after them, in milliseconds.</summary>
internal sealed record WatchRun(
    int Watchers, List<double> Cold, int WarmupWrites, double WarmupSeconds, bool JitQuiet, List<double> FromSend, List<double> FromAck, List<double> Post);
