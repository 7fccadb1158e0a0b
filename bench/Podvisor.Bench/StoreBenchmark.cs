using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Podvisor.Store;
using Podvisor.Store.Sqlite;

namespace Podvisor.Bench;

/// <summary>
/// The store's throughput and watch latency on a real SQLite file (WAL, synchronous=FULL), next to raw SQLite
/// figures with the same settings. Every loop is bounded by a count and by time.
/// </summary>
internal sealed class StoreBenchmark : IBenchmark
{
    private const string Command = "dotnet run -c Release --project bench/Podvisor.Bench -- store";

    public string Name => "store";

    public string Description => "store: durable writes/s (1 and 16 writers), watch latency (1/10/100 watchers), raw SQLite commits/s";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var seconds = Machine.Arg(args, "--seconds", 5);
        var phase = TimeSpan.FromSeconds(seconds);
        var dir = Path.Combine(Path.GetTempPath(), "podvisor-bench-store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Console.WriteLine(Machine.Header("store benchmark (start)") + $"; {phase.TotalSeconds:0} s per phase, data in {dir}");
            var raw1 = RawSqliteCommits(Path.Combine(dir, "raw1.db"), rowsPerCommit: 1, phase);
            Console.WriteLine($"raw SQLite, 1 row per durable commit:     {raw1,10:N0} commits/s");
            var raw100 = RawSqliteCommits(Path.Combine(dir, "raw100.db"), rowsPerCommit: 100, phase);
            Console.WriteLine($"raw SQLite, 100 rows per durable commit:  {raw100,10:N0} rows/s");

            var (w1, cpu1) = await WritesAsync(Path.Combine(dir, "w1"), writers: 1, phase, ct);
            Console.WriteLine($"store, 1 writer:                          {w1,10:N0} acknowledged durable writes/s (goal >= 3,000: {(w1 >= 3000 ? "met" : "MISSED")}); process CPU {cpu1:F0} us/write");
            var (w16, cpu16) = await WritesAsync(Path.Combine(dir, "w16"), writers: 16, phase, ct);
            Console.WriteLine($"store, 16 writers:                        {w16,10:N0} acknowledged durable writes/s (goal >= 20,000: {(w16 >= 20000 ? "met" : "MISSED")}); process CPU {cpu16:F0} us/write");

            foreach (var watchers in (int[])[1, 10, 100])
            {
                var (commitP50, p50, p99, max) = await WatchLatencyAsync(Path.Combine(dir, $"watch{watchers}"), watchers, phase, ct);
                Console.WriteLine(
                    $"watch, {watchers,3} watchers: delivery after commit p50 {p50,6:0.000} ms, p99 {p99,6:0.000} ms, max {max,6:0.000} ms " +
                    $"(goal p99 < 5 ms: {(p99 < 5 ? "met" : "MISSED")}; the durable commit itself: p50 {commitP50:0.000} ms)");
            }

            Console.WriteLine(Machine.Header("store benchmark (end)"));
            Console.WriteLine($"reproduce: {Command} --seconds {seconds}");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double RawSqliteCommits(string path, int rowsPerCommit, TimeSpan phase)
    {
        using var db = SqliteDatabase.Open(path);
        db.Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, value BLOB);");
        using var insert = db.Prepare("INSERT INTO t (name, value) VALUES (?1, ?2);");
        var value = new byte[400];
        using var begin = db.Prepare("BEGIN IMMEDIATE;");
        using var commit = db.Prepare("COMMIT;");
        var sw = Stopwatch.StartNew();
        long rows = 0;
        while (sw.Elapsed < phase && rows < 5_000_000)
        {
            begin.Execute();
            for (var i = 0; i < rowsPerCommit; i++)
            {
                insert.Bind(1, "/registry/core/configmaps/bench/r" + rows.ToString(CultureInfo.InvariantCulture));
                insert.Bind(2, value);
                insert.Execute();
                rows++;
            }

            commit.Execute();
        }

        return rows / sw.Elapsed.TotalSeconds;
    }

    /// <summary>Writes/s, and this process's CPU (user+system, all threads) per write: near 1e6/cores/rate means CPU-bound.</summary>
    private static async Task<(double Rate, double CpuMicrosPerWrite)> WritesAsync(string dataDir, int writers, TimeSpan phase, CancellationToken ct)
    {
        await using var store = await SqliteResourceStore.OpenAsync(dataDir, TimeProvider.System, null, null, ct);
        var type = KnownResourceTypes.ConfigMaps;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(
            async () =>
            {
                long count = 0;
                while (sw.Elapsed < phase && count < 2_000_000 && !ct.IsCancellationRequested)
                {
                    await store.CreateAsync(type, ConfigMap($"w{w}-{count}"), ct);
                    count++;
                }

                return count;
            },
            ct)).ToArray();
        var total = (await Task.WhenAll(tasks)).Sum();
        var elapsed = sw.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds;
        return (total / elapsed, cpu / Math.Max(1, total));
    }

    /// <summary>
    /// One writer writes one object at a time; each watcher notes when each event arrives. Delivery latency is
    /// measured from when the write was acknowledged durable (the writer loop publishes right after the commit and
    /// before acknowledging, so an event may arrive slightly before the ack: that counts as 0).
    /// </summary>
    private static async Task<(double CommitP50, double P50, double P99, double Max)> WatchLatencyAsync(string dataDir, int watchers, TimeSpan phase, CancellationToken ct)
    {
        await using var store = await SqliteResourceStore.OpenAsync(dataDir, TimeProvider.System, null, null, ct);
        var type = KnownResourceTypes.ConfigMaps;
        var events = watchers >= 100 ? 500 : 2000;
        var from = store.CurrentRevision.ToString(CultureInfo.InvariantCulture);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(phase + phase + TimeSpan.FromSeconds(30));
        var received = new long[watchers][];
        using var ready = new CountdownEvent(watchers);
        var watchTasks = Enumerable.Range(0, watchers).Select(w => Task.Run(
            async () =>
            {
                var times = received[w] = new long[events];
                var n = 0;
                await using var e = store.WatchAsync(type, null, new WatchOptions { ResourceVersion = from }, stop.Token).GetAsyncEnumerator(stop.Token);
                var next = e.MoveNextAsync(); // subscribes
                ready.Signal();
                while (n < events && await next)
                {
                    times[n++] = Stopwatch.GetTimestamp();
                    if (n < events)
                    {
                        next = e.MoveNextAsync();
                    }
                }
            },
            stop.Token)).ToArray();
        ready.Wait(stop.Token);
        await Task.Delay(200, stop.Token); // let every watcher reach its live queue

        var acks = new long[events];
        var commits = new double[events];
        var written = 0;
        var sw = Stopwatch.StartNew();
        for (; written < events && sw.Elapsed < phase + phase; written++)
        {
            var start = Stopwatch.GetTimestamp();
            await store.CreateAsync(type, ConfigMap($"e{written}"), stop.Token);
            acks[written] = Stopwatch.GetTimestamp();
            commits[written] = Stopwatch.GetElapsedTime(start, acks[written]).TotalMilliseconds;
        }

        await Task.WhenAll(watchTasks).WaitAsync(stop.Token);
        var latencies = new List<double>(written * watchers);
        foreach (var times in received)
        {
            for (var i = 0; i < written; i++)
            {
                latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(acks[i], times[i]).TotalMilliseconds));
            }
        }

        latencies.Sort();
        Array.Sort(commits, 0, written);
        return (commits[written / 2], Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies[^1]);
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static JsonObject ConfigMap(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "bench", ["labels"] = new JsonObject { ["app"] = "bench" } },
        ["data"] = new JsonObject { ["payload"] = new string('x', 256) },
    };
}
