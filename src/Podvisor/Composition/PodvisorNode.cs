using Microsoft.Extensions.Logging;
using Podvisor.Api;
using Podvisor.Api.Streaming;
using Podvisor.Client;
using Podvisor.Client.InProcess;
using Podvisor.Controllers.Scheduling;
using Podvisor.Node;
using Podvisor.Node.Prober;
using Podvisor.Runtime;
using Podvisor.Runtime.Process;
using Podvisor.Store;

namespace Podvisor.Composition;

/// <summary>
/// One Podvisor node in one process: store, API server, scheduler, node agent and runtime, composed here and
/// nowhere else. Stopping it leaves containers running (the next start adopts them), as the kubelet does.
/// </summary>
internal sealed partial class PodvisorNode : IAsyncDisposable
{
    private readonly List<Func<Task>> _stops = [];

    private PodvisorNode(IResourceStore store, ApiServer api, IPodvisorClient client)
    {
        Store = store;
        Api = api;
        Client = client;
    }

    public IResourceStore Store { get; }

    public ApiServer Api { get; }

    public IPodvisorClient Client { get; }

    public static async Task<PodvisorNode> StartAsync(PodvisorNodeOptions options, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        if (options.Datastore is { } datastore && !datastore.StartsWith("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"--datastore {datastore}: only the embedded SQLite store is available in this build (PostgreSQL is planned); omit --datastore");
        }

        if (options.Runtime != "process")
        {
            throw new InvalidOperationException(
                $"--runtime {options.Runtime}: only the \"process\" runtime is available in this build (the oci runtime is planned)");
        }

        var dataDir = Path.GetFullPath(options.DataDir);
        Directory.CreateDirectory(dataDir);
        var podLogs = Path.Combine(dataDir, "pods");
        var nodeName = options.NodeName ?? System.Net.Dns.GetHostName().ToLowerInvariant();
        var stops = new List<Func<Task>>();
        var log = loggers.CreateLogger("Podvisor.Serve");
        var started = time.GetTimestamp();
        void Started(string part) => LogStarted(log, part, time.GetElapsedTime(started).TotalMilliseconds);
        var tls = ApiServerHost.PrepareTls(dataDir, time, ct); // certificates and the trust store load while the store opens
        var store = await SqliteResourceStore.OpenAsync(dataDir, time, loggers, null, ct);
        stops.Add(async () => await store.DisposeAsync());
        Started("store");
        try
        {
            // The runtime (image catalog, adoption scan) opens on another core while the API server starts.
            var catalog = Path.Combine(dataDir, "images.yaml");
            var opening = Task.Run(
                () =>
                {
                    var opened = new ProcessRuntime(
                        new ProcessRuntimeOptions
                        {
                            StateDirectory = Path.Combine(dataDir, "runtime"),
                            ImageCatalogPath = File.Exists(catalog) ? catalog : null,
                        },
                        time,
                        loggers.CreateLogger<ProcessRuntime>());
                    Started("runtime");
                    return opened;
                },
                ct);
            stops.Add(async () =>
            {
                await Settled(opening);
                if (opening.IsCompletedSuccessfully)
                {
                    await opening.Result.DisposeAsync();
                }
            });

            var api = await ApiServerHost.StartAsync(
                new ApiServerOptions
                {
                    DataDir = dataDir,
                    Listen = options.Listen,
                    Tls = tls,
                    Store = store,
                    TimeProvider = time,
                    LoggerFactory = loggers,
                    MapEndpoints = routes => routes.MapPodStreaming(store, new RuntimePodStreamingBackend(opening, podLogs), time, loggers),
                },
                ct);
            stops.Add(() => api.StopAsync(CancellationToken.None));
            Started("API server");
            var runtime = await opening;

            var client = new InProcessClient(store);
            var schedulerEvents = new EventRecorder(client, new EventRecorderOptions { Component = "default-scheduler" }, time, loggers.CreateLogger<EventRecorder>());
            stops.Add(async () => await schedulerEvents.DisposeAsync());
            var kubeletEvents = new EventRecorder(client, new EventRecorderOptions { Component = "kubelet", Host = nodeName }, time, loggers.CreateLogger<EventRecorder>());
            stops.Add(async () => await kubeletEvents.DisposeAsync());

            var scheduler = new Scheduler(client, schedulerEvents, new SchedulerOptions { NodeName = nodeName }, time, loggers.CreateLogger<Scheduler>());
            var agent = new NodeAgent(
                new NodeAgentOptions { NodeName = nodeName, PodLogDirectory = podLogs },
                client,
                runtime,
                kubeletEvents,
                time,
                loggers,
                status => new ProbeManagerProbes(new ProbeManager(runtime, new StatusManagerSource(status), kubeletEvents, time, loggers.CreateLogger<ProbeManager>(), null)));
            // Independent of each other: started together (each registers its stop even if the other fails).
            var schedulerStarting = StartAndLog(scheduler.StartAsync(ct), "scheduler");
            var agentStarting = StartAndLog(agent.StartAsync(ct), "node agent");
            stops.Add(async () =>
            {
                await Settled(schedulerStarting);
                await scheduler.DisposeAsync();
            });
            stops.Add(async () =>
            {
                await Settled(agentStarting);
                await agent.StopAsync(CancellationToken.None);
            });
            await Task.WhenAll(schedulerStarting, agentStarting);

            async Task StartAndLog(Task starting, string part)
            {
                await starting;
                Started(part);
            }

            var trimmer = new HeapTrimmer(new HeapTrimmerOptions(), RuntimeHeap.Instance, time, loggers.CreateLogger<HeapTrimmer>());
            trimmer.Start();
            stops.Add(async () => await trimmer.DisposeAsync());

            var node = new PodvisorNode(store, api, client);
            node._stops.AddRange(stops);
            return node;
        }
        catch
        {
            await StopAllAsync(stops);
            throw;
        }
    }

    private static async Task Settled(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // Its error went to the start; the caller decides what stopping still means.
        }
    }

    /// <summary>Stops every part in reverse order of start; containers keep running.</summary>
    public Task StopAsync() => StopAllAsync(_stops);

    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task StopAllAsync(List<Func<Task>> stops)
    {
        for (var i = stops.Count - 1; i >= 0; i--)
        {
            await stops[i]();
        }

        stops.Clear();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Started the {Part} ({Milliseconds:F0} ms after the start began)")]
    private static partial void LogStarted(ILogger logger, string part, double milliseconds);
}
