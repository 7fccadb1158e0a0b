using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podvisor.Runtime.Process;

namespace Podvisor.Bench;

/// <summary>
/// The node end to end: a real `podvisor serve` (scheduler, node agent, process runtime); pods POSTed over HTTPS;
/// "started" is the moment the runtime records right after it spawned the container's process (StartedAt in
/// runtime/containers/*/state, the same wall clock as the bench's). Latency is from just before the POST is
/// sent. Then a burst of pods POSTed at once. Every pod is removed with `podvisor down` and the run fails if a
/// container process is left.
/// </summary>
internal sealed class NodeBenchmark : IBenchmark
{
    public string Name => "node";

    public string Description => "node: pod POSTed -> its container process started (p50/p99 over 100 pods), pods/s for 500 at once";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var latencyCount = Machine.Arg(args, "--latency", 100);
        var burstCount = Machine.Arg(args, "--burst", 500);
        var command = $"dotnet run -c Release --project bench/Podvisor.Bench -- node --latency {latencyCount} --burst {burstCount}";
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(Machine.Header("node benchmark (start)"));
        var pids = new HashSet<int>();
        var serve = await ServeProcess.StartAsync(null, ct);
        var failed = false;
        try
        {
            var started = new StartedContainers(Path.Combine(serve.DataDir, "runtime", "containers"));
            using var watchStop = new CancellationTokenSource(TimeSpan.FromSeconds(300));
            var bound = new Dictionary<string, DateTimeOffset>();
            var boundWatch = WatchBindingsAsync(serve, bound, watchStop.Token);

            // Warm-up (JIT, page cache), not measured.
            for (var i = 0; i < 3; i++)
            {
                var uid = await CreateAsync(serve, $"warm-{i}", ct);
                await started.WaitAsync([uid], TimeSpan.FromSeconds(30), ct);
            }

            // One at a time: each pod is POSTed only after the previous one's process started.
            var latencies = new List<double>();
            var acks = new List<double>();
            var sequential = new List<(string Uid, DateTimeOffset Sent, DateTimeOffset Started)>();
            var cpuSequential0 = Machine.Cpu(serve.Pid)!.Value.Self;
            var wallSequential = Stopwatch.StartNew();
            for (var i = 0; i < latencyCount; i++)
            {
                var sent = TimeProvider.System.GetUtcNow();
                var sw = Stopwatch.StartNew();
                var uid = await CreateAsync(serve, $"lat-{i:D3}", ct);
                acks.Add(sw.Elapsed.TotalMilliseconds);
                var at = (await started.WaitAsync([uid], TimeSpan.FromSeconds(30), ct))[uid];
                latencies.Add((at - sent).TotalMilliseconds);
                sequential.Add((uid, sent, at));
            }

            var cpuSequential = Machine.Cpu(serve.Pid)!.Value.Self - cpuSequential0;
            var wallSequentialSeconds = wallSequential.Elapsed.TotalSeconds;

            // What a file creation costs in the data dir right now (each pod start creates eight inodes).
            var fileCreationMicros = Machine.FileCreationCheckMicros(serve.DataDir);

            // A burst: every pod POSTed at once (64 requests in flight, the client's connection limit).
            var cpuBurst0 = Machine.Cpu(serve.Pid)!.Value.Self;
            var burstSent = TimeProvider.System.GetUtcNow();
            var burstClock = Stopwatch.StartNew();
            var next = -1;
            var uids = new string[burstCount];
            var sentAt = new DateTimeOffset[burstCount];
            await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(
                async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < burstCount)
                    {
                        sentAt[i] = TimeProvider.System.GetUtcNow();
                        uids[i] = await CreateAsync(serve, $"burst-{i:D3}", ct);
                    }
                },
                ct)));
            var postsDone = burstClock.Elapsed;
            var burstStarted = await started.WaitAsync(uids, TimeSpan.FromSeconds(180), ct);
            var cpuBurst = Machine.Cpu(serve.Pid)!.Value.Self - cpuBurst0;
            var wallBurstSeconds = burstClock.Elapsed.TotalSeconds;
            var last = burstStarted.Values.Max();
            var burstSeconds = (last - burstSent).TotalSeconds;
            var perPod = uids.Select((u, i) => (burstStarted[u] - sentAt[i]).TotalMilliseconds).ToList();
            foreach (var pid in started.Pids)
            {
                pids.Add(pid);
            }

            await watchStop.CancelAsync();
            await boundWatch;
            var created = started.CreatedByPod();

            string Ms(double v) => v.ToString("F1", inv);
            var p99 = Machine.Percentile(latencies, 99);
            var rate = burstCount / burstSeconds;
            Console.WriteLine(Machine.Header("node benchmark (end)"));
            Console.WriteLine(
                $"pod POSTed -> container process started, {latencyCount} pods one at a time: p50 {Ms(Machine.Percentile(latencies, 50))} ms, p99 {Ms(p99)} ms, " +
                $"max {Ms(latencies.Max())} ms (goal p99 < 50 ms): {(p99 < 50 ? "met" : "MISSED")}; the POST alone: p50 {Ms(Machine.Percentile(acks, 50))} ms");
            Console.WriteLine(string.Create(
                inv,
                $"{burstCount} pods POSTed at once: all POSTs answered after {postsDone.TotalSeconds:F2} s, last process started after {burstSeconds:F2} s = {rate:F0} pods/s (goal >= 200 pods/s): {(rate >= 200 ? "met" : "MISSED")}"));
            Console.WriteLine($"  per pod in the burst, POST -> started: p50 {Ms(Machine.Percentile(perPod, 50))} ms, p99 {Ms(Machine.Percentile(perPod, 99))} ms");
            Console.WriteLine($"  file creation in the data dir just before the burst: {Ms(fileCreationMicros)} µs per file (see Machine.FileCreationCheckMicros)");
            Console.WriteLine($"  one at a time, percentiles p50/p90/p95/p99 (ms): {string.Join(" / ", new[] { 50, 90, 95, 99 }.Select(q => Ms(Machine.Percentile(latencies, q))))}; over 100 ms: {latencies.Count(l => l > 100)}");
            Console.WriteLine(string.Create(
                inv,
                $"  serve's CPU (user+system): one at a time {cpuSequential.TotalMilliseconds / latencyCount:F1} ms/pod ({cpuSequential.TotalSeconds / wallSequentialSeconds * 100:F0}% of one core); " +
                $"burst {cpuBurst.TotalMilliseconds / burstCount:F1} ms/pod ({cpuBurst.TotalSeconds / wallBurstSeconds * 100:F0}% of one core, of the 200% the machine has)"));
            Breakdown("one at a time", sequential);
            Breakdown("burst", uids.Select((u, i) => (u, sentAt[i], burstStarted[u])).ToList());

            void Breakdown(string label, List<(string Uid, DateTimeOffset Sent, DateTimeOffset Started)> pods)
            {
                var known = pods.Where(p => bound.ContainsKey(p.Uid) && created.ContainsKey(p.Uid)).ToList();
                if (known.Count == 0)
                {
                    Console.WriteLine($"  {label}: no binding seen on the watch");
                    return;
                }

                string Part(Func<(string Uid, DateTimeOffset Sent, DateTimeOffset Started), TimeSpan> f)
                {
                    var v = known.Select(p => f(p).TotalMilliseconds).ToList();
                    return $"p50 {Ms(Machine.Percentile(v, 50))} / p99 {Ms(Machine.Percentile(v, 99))} ms";
                }

                Console.WriteLine(
                    $"  {label}, where the time goes ({known.Count} pods): POST sent -> bound seen on an HTTPS watch {Part(p => bound[p.Uid] - p.Sent)}; " +
                    $"-> runtime container record created {Part(p => created[p.Uid] - p.Sent)}; record created -> process started {Part(p => p.Started - created[p.Uid])}");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            Console.Error.WriteLine($"node benchmark failed: {e.Message}\nserver log:\n{serve.RecentLog}");
            failed = true;
        }
        finally
        {
            failed |= !await Cleanup.TearDownAsync(serve, pids, TimeSpan.FromSeconds(240), "node");
        }

        var servers = Machine.ProcessesMentioning("podvisor-bench-");
        Console.WriteLine($"podvisor processes left: {(servers.Count == 0 ? "none" : string.Join(", ", servers))}");
        Console.WriteLine($"reproduce: {command}");
        return failed || servers.Count > 0 ? 1 : 0;
    }

    /// <summary>Notes, per pod UID, when a watch first showed it bound (spec.nodeName set); ends when the token fires.</summary>
    private static async Task WatchBindingsAsync(ServeProcess serve, Dictionary<string, DateTimeOffset> bound, CancellationToken ct)
    {
        try
        {
            var rv = (string)(await serve.GetAsync("/api/v1/namespaces/default/pods", ct))["metadata"]!["resourceVersion"]!;
            using var client = ServeProcess.CreateClient(serve.DataDir, serve.Server);
            client.Timeout = Timeout.InfiniteTimeSpan;
            using var response = await client.GetAsync($"/api/v1/namespaces/default/pods?watch=true&resourceVersion={rv}", HttpCompletionOption.ResponseHeadersRead, ct);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                var now = TimeProvider.System.GetUtcNow();
                using var doc = JsonDocument.Parse(line);
                var obj = doc.RootElement.GetProperty("object");
                if (obj.TryGetProperty("spec", out var spec) && spec.TryGetProperty("nodeName", out var node) && node.GetString() is { Length: > 0 })
                {
                    var uid = obj.GetProperty("metadata").GetProperty("uid").GetString()!;
                    lock (bound)
                    {
                        bound.TryAdd(uid, now);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static async Task<string> CreateAsync(ServeProcess serve, string name, CancellationToken ct)
    {
        var created = await serve.PostAsync("/api/v1/namespaces/default/pods", SleepPod(name, null), ct);
        return (string)created["metadata"]!["uid"]!;
    }

    /// <summary>A pod running `sleep 3600`; terminationGracePeriodSeconds 2 bounds `podvisor down`.</summary>
    public static JsonObject SleepPod(string name, JsonObject? readinessProbe)
    {
        var container = new JsonObject
        {
            ["name"] = "app",
            ["image"] = "busybox",
            ["command"] = new JsonArray("sleep", "3600"),
        };
        if (readinessProbe is not null)
        {
            container["readinessProbe"] = readinessProbe;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = "bench" } },
            ["spec"] = new JsonObject { ["terminationGracePeriodSeconds"] = 2, ["containers"] = new JsonArray(container) },
        };
    }

    /// <summary>The process runtime's records of started containers, read from its state directory.</summary>
    internal sealed class StartedContainers(string containersDir)
    {
        private readonly Dictionary<string, (string PodUid, DateTimeOffset CreatedAt, DateTimeOffset StartedAt, int Pid)> _started = [];

        /// <summary>When the runtime created each pod's (first) container record, before it spawned the process.</summary>
        public Dictionary<string, DateTimeOffset> CreatedByPod()
        {
            Scan();
            return _started.Values.GroupBy(s => s.PodUid).ToDictionary(g => g.Key, g => g.Min(s => s.CreatedAt));
        }

        public IEnumerable<int> Pids
        {
            get
            {
                Scan();
                return _started.Values.Select(s => s.Pid).ToList();
            }
        }

        /// <summary>Polls (every 2 ms) until every pod UID has a started container; returns each one's StartedAt.</summary>
        public async Task<Dictionary<string, DateTimeOffset>> WaitAsync(IReadOnlyCollection<string> podUids, TimeSpan timeout, CancellationToken ct)
        {
            var sw = Stopwatch.StartNew();
            while (true)
            {
                Scan();
                var byPod = _started.Values.GroupBy(s => s.PodUid).ToDictionary(g => g.Key, g => g.Min(s => s.StartedAt));
                if (podUids.All(byPod.ContainsKey))
                {
                    return podUids.ToDictionary(u => u, u => byPod[u]);
                }

                if (sw.Elapsed > timeout)
                {
                    throw new TimeoutException($"{podUids.Count(u => !byPod.ContainsKey(u))} of {podUids.Count} pods had no started container after {timeout.TotalSeconds:0} s");
                }

                await Task.Delay(2, ct);
            }
        }

        private void Scan()
        {
            if (!Directory.Exists(containersDir))
            {
                return;
            }

            foreach (var dir in Directory.EnumerateDirectories(containersDir))
            {
                var id = Path.GetFileName(dir);
                if (_started.ContainsKey(id))
                {
                    continue;
                }

                ContainerRecord? record;
                try
                {
                    // A slot being rewritten reads as the previous record, so this is never half-written.
                    var bytes = StateFile.Read(ContainerEntry.StateFileIn(dir), out _);
                    record = bytes is null ? null : JsonSerializer.Deserialize(bytes, RuntimeJsonContext.Default.ContainerRecord);
                }
                catch (Exception e) when (e is IOException or JsonException)
                {
                    continue; // not written yet
                }

                if (record is { StartedAt: { } at, Pid: { } pid })
                {
                    _started[id] = (record.PodUid, record.CreatedAt, at, pid);
                }
            }
        }
    }
}
