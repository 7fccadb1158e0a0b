using System.Diagnostics;
using System.Globalization;
using Podvisor.Runtime;
using Podvisor.Runtime.Process;
using Podvisor.Runtime.Process.Native;

namespace Podvisor.Bench;

/// <summary>
/// The process runtime's costs: create+start latency, a burst of 500 starts, ExecSync(true) as exec probes use it,
/// and a bare posix_spawn+waitpid of the same binary in the same run as the floor. Every process it starts is
/// stopped, and the run fails if one is left. The runtime alone, in this process: the component floor of the `node`
/// benchmark, which measures the goals (pod created -> process started p99 &lt; 50 ms, &gt;= 200 pods/s) on a real serve.
/// </summary>
internal sealed class RuntimeBenchmark : IBenchmark
{
    public string Name => "runtime";

    public string Description => "process runtime: start latency, start burst, ExecSync cost vs bare posix_spawn";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        Console.WriteLine(Machine.Header("runtime benchmark (start)"));
        var latencyCount = Arg(args, "--latency", 100);
        var burstCount = Arg(args, "--burst", 500);
        var execCount = Arg(args, "--execs", 2000);
        var root = Path.Combine(Path.GetTempPath(), "podvisor-bench-runtime-" + Guid.NewGuid().ToString("N"));
        var runtime = new ProcessRuntime(new ProcessRuntimeOptions { StateDirectory = Path.Combine(root, "state") }, TimeProvider.System);
        var pids = new List<int>();
        try
        {
            var sandbox = await runtime.RunPodSandboxAsync(
                new PodSandboxConfig { PodUid = "bench", PodName = "bench", PodNamespace = "default", LogDirectory = Path.Combine(root, "logs") },
                ct);
            var n = 0;
            ContainerConfig Sleep() => new()
            {
                PodUid = "bench",
                Name = $"c{Interlocked.Increment(ref n)}",
                Image = "busybox",
                Command = ["sleep", "60"],
                LogPath = Path.Combine(root, "logs", $"c{n}", "0.log"),
            };

            // Warm-up: JIT and page cache, not measured.
            for (var i = 0; i < 5; i++)
            {
                var id = await runtime.CreateContainerAsync(sandbox.Id, Sleep(), ct);
                await runtime.StartContainerAsync(id, ct);
                pids.Add(runtime.RecordedPid(id)!.Value);
            }

            var latencies = new List<double>();
            var createLatencies = new List<double>();
            for (var i = 0; i < latencyCount; i++)
            {
                var sw = Stopwatch.StartNew();
                var id = await runtime.CreateContainerAsync(sandbox.Id, Sleep(), ct);
                createLatencies.Add(sw.Elapsed.TotalMilliseconds);
                await runtime.StartContainerAsync(id, ct);
                latencies.Add(sw.Elapsed.TotalMilliseconds);
                pids.Add(runtime.RecordedPid(id)!.Value);
            }

            var burst = Stopwatch.StartNew();
            var ids = await Task.WhenAll(Enumerable.Range(0, burstCount).Select(_ => Task.Run(
                async () =>
                {
                    var id = await runtime.CreateContainerAsync(sandbox.Id, Sleep(), ct);
                    await runtime.StartContainerAsync(id, ct);
                    return id;
                },
                ct)));
            var burstSeconds = burst.Elapsed.TotalSeconds;
            pids.AddRange(ids.Select(id => runtime.RecordedPid(id)!.Value));

            var probeTarget = ids[0];
            for (var i = 0; i < 50; i++)
            {
                await runtime.ExecSyncAsync(probeTarget, ["true"], TimeSpan.FromSeconds(10), 4096, ct);
            }

            var execLatencies = new List<double>();
            var execAll = Stopwatch.StartNew();
            for (var i = 0; i < execCount; i++)
            {
                var sw = Stopwatch.StartNew();
                var r = await runtime.ExecSyncAsync(probeTarget, ["true"], TimeSpan.FromSeconds(10), 4096, ct);
                execLatencies.Add(sw.Elapsed.TotalMilliseconds);
                if (r.ExitCode != 0)
                {
                    throw new InvalidOperationException($"exec true exited {r.ExitCode}: {r.Output}");
                }
            }

            var execSerialRate = execCount / execAll.Elapsed.TotalSeconds;

            const int InFlight = 16;
            var parallel = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => Task.Run(
                async () =>
                {
                    for (var i = 0; i < execCount / InFlight; i++)
                    {
                        await runtime.ExecSyncAsync(probeTarget, ["true"], TimeSpan.FromSeconds(10), 4096, ct);
                    }
                },
                ct)));
            var execParallelRate = execCount / InFlight * InFlight / parallel.Elapsed.TotalSeconds;

            var (bareLatencies, bareRate) = BareSpawn(execCount);

            var stop = Stopwatch.StartNew();
            await runtime.StopPodSandboxAsync(sandbox.Id, ct);
            var stopSeconds = stop.Elapsed.TotalSeconds;
            await runtime.RemovePodSandboxAsync(sandbox.Id, ct);

            var total = latencyCount + burstCount + 5;
            // Figures on a shared machine mean little without its load; the baseline line is from the same run.
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            Console.WriteLine($"process runtime alone (no API, scheduler or node agent), {Environment.ProcessorCount} cores, 1-min load average {load} at the end, {DateTimeOffset.UtcNow:yyyy-MM-dd}");
            Console.WriteLine($"  create+start -> running (sleep 60), {latencyCount} sequential: p50 {P(latencies, 50)} ms, p99 {P(latencies, 99)} ms (create alone: p50 {P(createLatencies, 50)} ms)");
            Console.WriteLine($"  {burstCount} create+start at once: {burstSeconds:F2} s = {burstCount / burstSeconds:F0} containers/s");
            Console.WriteLine($"  ExecSync(true), {execCount} sequential: {execSerialRate:F0} execs/s, p50 {P(execLatencies, 50)} ms, p99 {P(execLatencies, 99)} ms");
            Console.WriteLine($"  ExecSync(true), {InFlight} in flight: {execParallelRate:F0} execs/s");
            Console.WriteLine($"  baseline posix_spawn(true)+waitpid, {execCount} sequential: {bareRate:F0} /s, p50 {P(bareLatencies, 50)} ms, p99 {P(bareLatencies, 99)} ms");
            Console.WriteLine($"  stop of all {total} containers (StopPodSandbox, SIGTERM): {stopSeconds:F2} s");
            Console.WriteLine($"reproduce: dotnet run -c Release --project bench/Podvisor.Bench -- runtime --latency {latencyCount} --burst {burstCount} --execs {execCount}");
        }
        finally
        {
            await runtime.DisposeAsync();
            foreach (var pid in pids)
            {
                // Safety net only: each pid is a session the runtime should already have emptied.
                LibC.kill(-pid, LibC.SIGKILL);
            }

            Directory.Delete(root, recursive: true);
        }

        var left = pids.Count(pid => File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal));
        if (left > 0)
        {
            Console.Error.WriteLine($"{left} container processes were still running after the sandbox was stopped");
            return 1;
        }

        return 0;
    }

    private static (List<double> Latencies, double Rate) BareSpawn(int count)
    {
        var request = new SpawnRequest("/usr/bin/true", ["true"], ["PATH=/usr/bin:/bin"], "/", StdioSpec.DevNull, StdioSpec.DevNull, StdioSpec.DevNull);
        var latencies = new List<double>(count);
        var all = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var sw = Stopwatch.StartNew();
            var pid = Spawner.Spawn(request);
            LibC.waitpid(pid, out _, 0);
            latencies.Add(sw.Elapsed.TotalMilliseconds);
        }

        return (latencies, count / all.Elapsed.TotalSeconds);
    }

    private static string P(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        var index = Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1);
        return sorted[index].ToString("F2", CultureInfo.InvariantCulture);
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
