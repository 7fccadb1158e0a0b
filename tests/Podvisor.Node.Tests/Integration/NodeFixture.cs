using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Client;
using Podvisor.Client.InProcess;
using Podvisor.Controllers.Scheduling;
using Podvisor.Model.Core;
using Podvisor.Model.Serialization;
using Podvisor.Node.Tests.Fakes;
using Podvisor.Runtime;
using Podvisor.Runtime.Process;
using Podvisor.Store;

namespace Podvisor.Node.Tests.Integration;

/// <summary>
/// One node in the test process: SQLite store and process runtime in a temp directory, the in-process client, the
/// scheduler and the node agent on real time. Events go to the API (through the real EventRecorder) and, in order, to
/// <see cref="Events"/>. Dispose stops everything and kills every container process it started.
/// </summary>
internal sealed class NodeFixture : IAsyncDisposable
{
    private readonly TeeRecorder _events;
    private EventRecorder? _recorder;
    private Scheduler? _scheduler;

    private NodeFixture(string root)
    {
        Root = root;
        NodeName = "node-" + Guid.NewGuid().ToString("N")[..8];
        _events = new TeeRecorder(this);
    }

    public string Root { get; }

    public string NodeName { get; }

    public IResourceStore Store { get; private set; } = null!;

    public InProcessClient Client { get; private set; } = null!;

    public ProcessRuntime Runtime { get; private set; } = null!;

    public NodeAgent Agent { get; private set; } = null!;

    /// <summary>Every event the agent recorded, in order.</summary>
    public IReadOnlyList<(ObjectReference Involved, string Type, string Reason, string Message)> Events => _events.Recorded;

    public static async Task<NodeFixture> StartAsync(TimeSpan? initialBackOff = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "podvisor-node-it-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var f = new NodeFixture(root);
        f.Store = await SqliteResourceStore.OpenAsync(Path.Combine(root, "store"), TimeProvider.System, null, null, CancellationToken.None);
        f.Client = new InProcessClient(f.Store);
        f._recorder = new EventRecorder(f.Client, new EventRecorderOptions { Component = "kubelet", Host = f.NodeName }, TimeProvider.System);
        f._scheduler = new Scheduler(f.Client, f._recorder, new SchedulerOptions { NodeName = f.NodeName }, TimeProvider.System);
        await f._scheduler.StartAsync(CancellationToken.None);
        await f.StartAgentAsync(initialBackOff ?? TimeSpan.FromSeconds(2));
        return f;
    }

    private TimeSpan _initialBackOff;

    private async Task StartAgentAsync(TimeSpan initialBackOff)
    {
        _initialBackOff = initialBackOff;
        Runtime = new ProcessRuntime(new ProcessRuntimeOptions { StateDirectory = Path.Combine(Root, "runtime") }, TimeProvider.System);
        Agent = new NodeAgent(
            new NodeAgentOptions { NodeName = NodeName, PodLogDirectory = Path.Combine(Root, "pods"), InitialRestartBackOff = initialBackOff },
            Client,
            Runtime,
            _events,
            TimeProvider.System,
            NullLoggerFactory.Instance);
        await Agent.StartAsync(CancellationToken.None);
    }

    /// <summary>Stops the agent and the runtime without stopping pods (as `serve` shutdown), then starts new ones over the same state.</summary>
    public async Task RestartAgentAsync(Func<Task>? whileDown = null)
    {
        await Agent.DisposeAsync();
        await Runtime.DisposeAsync();
        if (whileDown is not null)
        {
            await whileDown();
        }

        await StartAgentAsync(_initialBackOff);
    }

    public async Task<Pod> CreatePodAsync(Pod pod) =>
        await Client.Pods.CreateAsync(pod with { Metadata = pod.Metadata with { Uid = null, Namespace = pod.Metadata.Namespace ?? "default" } }, CancellationToken.None);

    public static Pod FromYaml(string yaml) => KubeJson.FromNode<Pod>(ManifestReader.Read(yaml).Single());

    public async Task<Pod?> GetAsync(string name) => await Client.Pods.GetAsync("default", name, CancellationToken.None);

    /// <summary>Polls the pod until <paramref name="condition"/> holds (null pod = gone); fails after <paramref name="timeout"/>.</summary>
    public async Task<Pod?> WaitPodAsync(string name, Func<Pod?, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var pod = await GetAsync(name);
            if (condition(pod))
            {
                return pod;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for pod {name}: {what}; last status: {(pod is null ? "gone" : KubeJson.Serialize(pod.Status ?? new PodStatus()))}");
            }

            await Task.Delay(50);
        }
    }

    public static ContainerStatus? Container(Pod? pod, string name) =>
        pod?.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == name) ?? pod?.Status?.InitContainerStatuses?.FirstOrDefault(c => c.Name == name);

    public static bool IsReady(Pod? pod) => pod?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public IReadOnlyList<string> EventLines(string podName) =>
        Events.Where(e => e.Involved.Name == podName).Select(e => $"{e.Reason}: {e.Message}").ToList();

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>The repository's shared examples: walk up to Podvisor.slnx, then ../shared/examples.</summary>
    public static string SharedExample(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Podvisor.slnx")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return File.ReadAllText(Path.Combine(dir!.Parent!.FullName, "shared", "examples", file));
    }

    /// <summary>Live (non-zombie) processes whose session is <paramref name="sid"/> or whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> LiveProcesses(int? sid, string? marker)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                if (fields[0] == "Z" || fields[0] == "X")
                {
                    continue;
                }

                var session = int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture);
                var cmdline = marker is null ? "" : File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if ((sid is { } s && session == s) || (marker is not null && cmdline.Contains(marker, StringComparison.Ordinal)))
                {
                    result.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        foreach (var c in await Runtime.ListContainersAsync(CancellationToken.None))
        {
            try
            {
                await Runtime.StopContainerAsync(c.Id, TimeSpan.Zero, CancellationToken.None);
                await Runtime.RemoveContainerAsync(c.Id, CancellationToken.None);
            }
            catch (RuntimeException)
            {
            }
        }

        await Runtime.DisposeAsync();
        if (_scheduler is not null)
        {
            await _scheduler.DisposeAsync();
        }

        if (_recorder is not null)
        {
            await _recorder.DisposeAsync();
        }

        await Store.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class TeeRecorder(NodeFixture owner) : IEventRecorder
    {
        private readonly ConcurrentQueue<(ObjectReference, string, string, string)> _recorded = new();

        public IReadOnlyList<(ObjectReference Involved, string Type, string Reason, string Message)> Recorded => _recorded.ToList();

        public void Record(ObjectReference involved, string type, string reason, string message)
        {
            _recorded.Enqueue((involved, type, reason, message));
            owner._recorder?.Record(involved, type, reason, message);
        }
    }
}
