using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Client;
using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Node.Prober;
using Podvisor.Node.Prober.Runners;

namespace Podvisor.Bench;

/// <summary>
/// The prober alone, in this process: N pods' tcpSocket readiness probes every second (a ProbeManager with fake pod
/// status, no processes, no server) against one in-process loopback listener: CPU (% of one core, user+system of the
/// whole process, listener included) and RSS while probing. The component floor of the `probes` benchmark, which
/// measures the goal on a real serve.
/// </summary>
internal sealed class ProbeBenchmark : IBenchmark
{
    public string Name => "prober";

    public string Description => "prober alone, in-process: N tcpSocket readiness probes (period 1 s): CPU % of one core and RSS";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        Console.WriteLine(Machine.Header("prober benchmark (start)"));
        var pods = Arg(args, "--pods", 1000);
        var seconds = Arg(args, "--seconds", 30);
        var warmup = Arg(args, "--warmup", 5);

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4096);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var acceptLoop = AcceptAsync(listener, stop.Token);

        var status = new Snapshots();
        var counting = new CountingRunner(new TcpProbeRunner(TimeProvider.System));
        var manager = new ProbeManager(counting, status, new NoEvents(), TimeProvider.System, NullLogger<ProbeManager>.Instance);
        var drain = DrainAsync(manager, stop.Token);
        var started = DateTimeOffset.UnixEpoch;
        for (var i = 0; i < pods; i++)
        {
            var probe = new Probe { TcpSocket = new TcpSocketAction { Port = port }, PeriodSeconds = 1 };
            var pod = new Pod
            {
                Metadata = new ObjectMeta { Name = $"p{i}", Namespace = "bench", Uid = $"uid-{i}" },
                Spec = new PodSpec { Containers = [new Container { Name = "app", ReadinessProbe = probe }] },
            };
            status.Set(pod, new PodStatus
            {
                Phase = "Running",
                PodIP = "127.0.0.1",
                ContainerStatuses =
                [
                    new ContainerStatus
                    {
                        Name = "app",
                        ContainerID = $"process://c{i}",
                        Started = true,
                        State = new ContainerState { Running = new ContainerStateRunning { StartedAt = started } },
                    },
                ],
            });
            manager.AddPod(pod);
        }

        await Task.Delay(TimeSpan.FromSeconds(warmup), ct);
        GC.Collect();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var probes0 = counting.Count;
        var gen0 = GC.CollectionCount(0);
        var alloc0 = GC.GetTotalAllocatedBytes();
        var wall = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpu0;
        var elapsed = wall.Elapsed;
        var probes = counting.Count - probes0;
        var failures = counting.Failures;
        var rssMiB = process.WorkingSet64 / (1024.0 * 1024.0);
        var allocPerProbe = (GC.GetTotalAllocatedBytes() - alloc0) / (double)Math.Max(1, probes);
        var gen0s = GC.CollectionCount(0) - gen0;

        await manager.DisposeAsync();
        await stop.CancelAsync();
        listener.Close();
        await Task.WhenAll(acceptLoop, drain);

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(Machine.Header("prober benchmark (end)"));
        Console.WriteLine(string.Create(inv, $"pods={pods} period=1s measured={elapsed.TotalSeconds:F1}s probes={probes} ({probes / elapsed.TotalSeconds:F0}/s) failures={failures}"));
        Console.WriteLine(string.Create(inv, $"cpu={cpu.TotalMilliseconds / elapsed.TotalMilliseconds * 100:F2}% of one core (process total, listener included; the serve goal is < 5%), cpu/probe={cpu.TotalMicroseconds / Math.Max(1, probes):F1}us"));
        Console.WriteLine(string.Create(inv, $"rss={rssMiB:F0}MiB (whole bench process) alloc/probe={allocPerProbe:F0}B gen0={gen0s}"));
        Console.WriteLine($"reproduce: dotnet run -c Release --project bench/Podvisor.Bench -- prober --pods {pods} --seconds {seconds}");
        return failures == 0 ? 0 : 1;
    }

    private static async Task AcceptAsync(Socket listener, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var s = await listener.AcceptAsync(ct);
                s.Dispose();
            }
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
        }
    }

    private static async Task DrainAsync(ProbeManager manager, CancellationToken ct)
    {
        try
        {
            await foreach (var _ in manager.Updates.ReadAllAsync(ct))
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed class Snapshots : IPodStatusSource
    {
        private readonly Dictionary<string, PodSnapshot> _snapshots = [];

        public void Set(Pod pod, PodStatus status)
        {
            lock (_snapshots)
            {
                _snapshots[pod.Metadata.Uid!] = new PodSnapshot(pod, status);
            }
        }

        public PodSnapshot? GetSnapshot(string podUid)
        {
            lock (_snapshots)
            {
                return _snapshots.GetValueOrDefault(podUid);
            }
        }
    }

    private sealed class CountingRunner(IProbeRunner inner) : IProbeRunner
    {
        private long _count;
        private long _failures;

        public long Count => Interlocked.Read(ref _count);

        public long Failures => Interlocked.Read(ref _failures);

        public async ValueTask<ProbeOutcome> RunAsync(ProbeRequest request, CancellationToken ct)
        {
            var outcome = await inner.RunAsync(request, ct);
            Interlocked.Increment(ref _count);
            if (outcome.Kind != ProbeOutcomeKind.Success)
            {
                Interlocked.Increment(ref _failures);
            }

            return outcome;
        }
    }

    private sealed class NoEvents : IEventRecorder
    {
        public void Record(ObjectReference involved, string type, string reason, string message)
        {
        }
    }
}
