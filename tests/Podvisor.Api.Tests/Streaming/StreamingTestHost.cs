using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Api.Streaming;
using Podvisor.Store;

namespace Podvisor.Api.Tests.Streaming;

/// <summary>A real Kestrel on 127.0.0.1 serving only the streaming subresources, over a real SQLite store.</summary>
internal sealed class StreamingTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dir;

    private StreamingTestHost(WebApplication app, IResourceStore store, string dir, Uri baseUri)
    {
        _app = app;
        Store = store;
        _dir = dir;
        BaseUri = baseUri;
    }

    public IResourceStore Store { get; }

    public Uri BaseUri { get; }

    public static async Task<StreamingTestHost> StartAsync(IPodStreamingBackend backend)
    {
        var dir = Directory.CreateTempSubdirectory("podvisor-streaming-").FullName;
        var store = await SqliteResourceStore.OpenAsync(dir, TimeProvider.System, null, null, CancellationToken.None);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        app.MapPodStreaming(store, backend, TimeProvider.System, NullLoggerFactory.Instance);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StreamingTestHost(app, store, dir, new Uri(address));
    }

    public Task<JsonObject> CreatePodAsync(string name, params string[] containers)
    {
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(containers.Select(c => (JsonNode)new JsonObject { ["name"] = c, ["image"] = "busybox" }).ToArray()),
            },
        };
        return Store.CreateAsync(KnownResourceTypes.Pods, pod, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Store.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>Backs exec with real host processes, port-forward with real loopback TCP, logs with a file.</summary>
internal sealed class HostStreamingBackend : IPodStreamingBackend
{
    public string? LogPath { get; set; }

    public Task Exited { get; set; } = Task.CompletedTask;

    public Task<ContainerLogLocation?> GetLogAsync(JsonObject pod, string container, bool previous, CancellationToken ct) =>
        Task.FromResult(previous || LogPath is null ? null : new ContainerLogLocation(LogPath, Exited));

    public Task<IPodExecProcess> ExecAsync(JsonObject pod, string container, IReadOnlyList<string> command, bool tty, CancellationToken ct)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            return Task.FromResult<IPodExecProcess>(new HostExecProcess(Process.Start(info)!));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PodStreamingException($"exec: \"{command[0]}\": {e.Message}", e);
        }
    }

    public async Task<Stream> ConnectAsync(JsonObject pod, int port, CancellationToken ct)
    {
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, ct);
        }
        catch (SocketException e)
        {
            client.Dispose();
            throw new PodStreamingException($"failed to connect to localhost:{port}: {e.Message}", e);
        }

        return client.GetStream();
    }

    private sealed class HostExecProcess(Process process) : IPodExecProcess
    {
        public Stream Stdin => process.StandardInput.BaseStream;

        public Stream Stdout => process.StandardOutput.BaseStream;

        public Stream Stderr => process.StandardError.BaseStream;

        public Task<int> ExitCode { get; } = WaitAsync(process);

        public ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
            return ValueTask.CompletedTask;
        }

        private static async Task<int> WaitAsync(Process p)
        {
            await p.WaitForExitAsync();
            return p.ExitCode;
        }
    }
}
