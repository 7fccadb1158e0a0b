using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Podvisor.Bench;

/// <summary>
/// A real `podvisor serve` running N pods (`sleep` processes), each with a readiness probe every second: first
/// tcpSocket probes to one shared loopback listener this benchmark holds (it counts the connections), then, on a new
/// server, exec probes running `true`. Measured once every pod is Ready: serve's CPU (user+system from
/// /proc/PID/stat, as % of one core; for exec also with its reaped children, the probe processes) and its RSS.
/// Each server is removed with `podvisor down`; the run fails if a container process is left.
/// </summary>
internal sealed class PodProbesBenchmark : IBenchmark
{
    public string Name => "probes";

    public string Description => "probes: 1,000 sleep pods with a 1 s tcpSocket (then exec) readiness probe: serve's CPU % of one core and RSS";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var pods = Machine.Arg(args, "--pods", 1000);
        var seconds = Machine.Arg(args, "--seconds", 30);
        var kinds = Array.IndexOf(args, "--tcp-only") >= 0 ? new[] { "tcp" } : ["tcp", "exec"];
        var command = $"dotnet run -c Release --project bench/Podvisor.Bench -- probes --pods {pods} --seconds {seconds}" + (kinds.Length == 1 ? " --tcp-only" : "");
        Console.WriteLine(Machine.Header("probes benchmark (start)"));

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4096);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var accepts = new long[1];
        var acceptLoop = AcceptAsync(listener, accepts, stop.Token);
        var failed = false;
        try
        {
            foreach (var kind in kinds)
            {
                failed |= !await RunOneAsync(kind, pods, seconds, port, accepts, ct);
            }
        }
        finally
        {
            await stop.CancelAsync();
            listener.Close();
            await acceptLoop;
        }

        var servers = Machine.ProcessesMentioning("podvisor-bench-");
        Console.WriteLine($"podvisor processes left: {(servers.Count == 0 ? "none" : string.Join(", ", servers))}");
        Console.WriteLine($"reproduce: {command}");
        return failed || servers.Count > 0 ? 1 : 0;
    }

    private static async Task<bool> RunOneAsync(string kind, int pods, int seconds, int port, long[] accepts, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        var probe = kind == "tcp"
            ? new JsonObject { ["tcpSocket"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = port }, ["periodSeconds"] = 1 }
            : new JsonObject { ["exec"] = new JsonObject { ["command"] = new JsonArray("true") }, ["periodSeconds"] = 1 };
        var serve = await ServeProcess.StartAsync(null, ct);
        var pids = new HashSet<int>();
        var ok = true;
        try
        {
            var idleRss = Machine.RssMiB(serve.Pid);
            var created = Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(
                async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < pods)
                    {
                        await serve.PostAsync("/api/v1/namespaces/default/pods", NodeBenchmark.SleepPod($"{kind}-{i:D4}", probe.DeepClone().AsObject()), ct);
                    }
                },
                ct)));
            var createSeconds = created.Elapsed.TotalSeconds;

            // Every pod Ready (bounded); polled every 2 s so the polling itself costs the server little.
            var ready = 0;
            var readyClock = Stopwatch.StartNew();
            while (readyClock.Elapsed < TimeSpan.FromSeconds(240))
            {
                ready = await CountReadyAsync(serve, ct);
                if (ready == pods)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }

            var readySeconds = readyClock.Elapsed.TotalSeconds + createSeconds;
            foreach (var pid in new NodeBenchmark.StartedContainers(Path.Combine(serve.DataDir, "runtime", "containers")).Pids)
            {
                pids.Add(pid);
            }

            if (ready < pods)
            {
                Console.WriteLine($"{kind}: only {ready} of {pods} pods Ready after {readySeconds:F0} s; measuring anyway");
                ok = false;
            }

            // Settle, then measure a quiet window: nothing talks to the server while it is measured.
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            var cpu0 = Machine.Cpu(serve.Pid) ?? throw new InvalidOperationException("serve exited");
            var accepts0 = Interlocked.Read(ref accepts[0]);
            var load0 = Machine.LoadAverage();
            var window = Stopwatch.StartNew();
            var peakRss = 0.0;
            while (window.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                // RSS sampled once a second: the goal holds for the whole window, not only its end.
                peakRss = Math.Max(peakRss, Machine.RssMiB(serve.Pid) ?? 0);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(1, Math.Max(0.01, seconds - window.Elapsed.TotalSeconds))), ct);
            }

            var cpu1 = Machine.Cpu(serve.Pid) ?? throw new InvalidOperationException("serve exited");
            var elapsed = window.Elapsed.TotalSeconds;
            var probesPerSecond = (Interlocked.Read(ref accepts[0]) - accepts0) / elapsed;
            var rss = Machine.RssMiB(serve.Pid) ?? double.NaN;
            peakRss = Math.Max(peakRss, rss);
            var threads = Directory.GetDirectories($"/proc/{serve.Pid}/task").Length;
            var self = (cpu1.Self - cpu0.Self).TotalSeconds / elapsed * 100;
            var children = (cpu1.Children - cpu0.Children).TotalSeconds / elapsed * 100;
            var stillReady = await CountReadyAsync(serve, ct);

            Console.WriteLine(Machine.Header($"probes benchmark ({kind}, end)") + $" (load at window start {load0})");
            Console.WriteLine(string.Create(inv, $"{kind}: {pods} pods created in {createSeconds:F1} s, all Ready after {readySeconds:F1} s; {stillReady} Ready after the window; serve idle RSS before the pods {idleRss:F0} MiB"));
            if (kind == "tcp")
            {
                Console.WriteLine(string.Create(inv, $"  tcpSocket probes reaching the listener: {probesPerSecond:F0}/s (expected {pods}/s)"));
            }

            Console.WriteLine(string.Create(inv, $"  serve CPU over {elapsed:F0} s: {self:F2}% of one core (goal < 5%): {(self < 5 ? "met" : "MISSED")}; with its reaped children (probe processes): {self + children:F2}%"));
            Console.WriteLine(string.Create(inv, $"  serve RSS: peak {peakRss:F0} MiB, at the end {rss:F0} MiB (goal < 200 MB = 190.7 MiB): {(peakRss * 1024 * 1024 < 200e6 ? "met" : "MISSED")}; {threads} threads"));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException)
        {
            Console.Error.WriteLine($"{kind}: failed: {e.Message}\nserver log:\n{serve.RecentLog}");
            ok = false;
        }
        finally
        {
            ok &= await Cleanup.TearDownAsync(serve, pids, TimeSpan.FromSeconds(300), $"probes/{kind}", indent: "  ");
        }

        return ok;
    }

    private static async Task<int> CountReadyAsync(ServeProcess serve, CancellationToken ct)
    {
        var list = await serve.GetAsync("/api/v1/namespaces/default/pods", ct);
        return list["items"]!.AsArray().Count(p => p!["status"]?["conditions"]?.AsArray()
            .Any(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True") == true);
    }

    private static async Task AcceptAsync(Socket listener, long[] accepts, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var s = await listener.AcceptAsync(ct);
                Interlocked.Increment(ref accepts[0]);
                s.Dispose();
            }
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
        }
    }
}
