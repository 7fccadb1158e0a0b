using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Podvisor.Model.Core;
using Podvisor.Node.Prober.Runners;
using Podvisor.Testing.Http;

namespace Podvisor.Node.Tests.Prober;

/// <summary>httpGet probes against a real Kestrel server on 127.0.0.1 (SPEC §1.4).</summary>
public sealed class HttpProbeRunnerTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, IHeaderDictionary Headers)> _requests = new();
    private readonly HttpProbeRunner _runner = new(TimeProvider.System, "1.32");
    private KestrelTestServer _server = null!;
    private int _loops;

    private string Base => $"http://127.0.0.1:{_server.Port}";

    public async Task InitializeAsync()
    {
        _server = await KestrelTestServer.StartAsync(app =>
        {
            app.Use(async (ctx, next) =>
            {
                // Kestrel reuses the header dictionary after the request: keep a copy.
                _requests.Enqueue((ctx.Request.Path + ctx.Request.QueryString, new HeaderDictionary(ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase))));
                await next(ctx);
            });
            app.MapGet("/ok", () => "fine");
            app.MapGet("/fail", () => Results.Text("broken", statusCode: 500));
            app.MapGet("/redirect", (HttpContext ctx) => ctx.Response.Redirect("/ok"));
            app.MapGet("/away", async ctx =>
            {
                ctx.Response.StatusCode = 302;
                ctx.Response.Headers.Location = $"http://localhost:{_server.Port}/ok";
                await ctx.Response.WriteAsync("moved");
            });
            app.MapGet("/away-big", async ctx =>
            {
                ctx.Response.StatusCode = 301;
                ctx.Response.Headers.Location = "http://elsewhere.invalid/";
                await ctx.Response.WriteAsync(new string('x', 20_000));
            });
            app.MapGet("/loop", (HttpContext ctx) =>
            {
                Interlocked.Increment(ref _loops);
                ctx.Response.Redirect("/loop");
            });
            app.MapGet("/slow", async ctx =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
            });
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Probe_200_SuccessWithDefaultHeaders()
    {
        var outcome = await _runner.ProbeAsync(new Uri(Base + "/ok"), null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeOutcomeKind.Success, outcome.Kind);
        var (_, headers) = Assert.Single(_requests);
        Assert.Equal("kube-probe/1.32", headers.UserAgent.ToString());
        Assert.Equal("*/*", headers.Accept.ToString());
        Assert.Equal("close", headers.Connection.ToString());
    }

    [Fact]
    public async Task Probe_500_FailureWithStatusCodeOnly()
    {
        var outcome = await _runner.ProbeAsync(new Uri(Base + "/fail"), null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failure("HTTP probe failed with statuscode: 500"), outcome);
    }

    [Fact]
    public async Task Probe_RedirectToSameHost_IsFollowed()
    {
        var outcome = await _runner.ProbeAsync(new Uri(Base + "/redirect"), null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeOutcomeKind.Success, outcome.Kind);
        Assert.Equal(["/redirect", "/ok"], _requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Probe_RedirectToOtherHost_WarningNotFailure()
    {
        var outcome = await _runner.ProbeAsync(new Uri(Base + "/away"), null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Warning("Probe terminated redirects, Response body: moved"), outcome);
        Assert.Equal(["/away"], _requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Probe_WarningBody_TruncatedAt10KiB()
    {
        var outcome = await _runner.ProbeAsync(new Uri(Base + "/away-big"), null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeOutcomeKind.Warning, outcome.Kind);
        Assert.Equal("Probe terminated redirects, Response body: ".Length + 10 * 1024, outcome.Output.Length);
    }

    [Fact]
    public async Task Probe_RedirectLoop_FailsAfterTenRequests()
    {
        var outcome = await _runner.ProbeAsync(new Uri(Base + "/loop"), null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failure($"Get \"{Base}/loop\": stopped after 10 redirects"), outcome);
        Assert.Equal(10, _loops);
    }

    [Fact]
    public async Task Probe_SlowServer_FailsWithDeadlineExceeded()
    {
        var outcome = await _runner.ProbeAsync(new Uri(Base + "/slow"), null, TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.Equal(
            ProbeOutcome.Failure($"Get \"{Base}/slow\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"),
            outcome);
    }

    [Fact]
    public async Task Probe_ConnectionRefused_FailsWithGoDialText()
    {
        var port = Ports.Closed();

        var outcome = await _runner.ProbeAsync(new Uri($"http://127.0.0.1:{port}/"), null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failure($"Get \"http://127.0.0.1:{port}/\": dial tcp 127.0.0.1:{port}: connect: connection refused"), outcome);
    }

    [Fact]
    public async Task Probe_UserHeaders_OverrideRemoveAndSetHost()
    {
        HttpHeader[] headers =
        [
            new() { Name = "User-Agent", Value = "" },
            new() { Name = "Accept", Value = "application/json" },
            new() { Name = "Host", Value = "example.test" },
            new() { Name = "X-Probe", Value = "1" },
        ];

        var outcome = await _runner.ProbeAsync(new Uri(Base + "/ok"), headers, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeOutcomeKind.Success, outcome.Kind);
        var (_, seen) = Assert.Single(_requests);
        Assert.False(seen.ContainsKey("User-Agent"));
        Assert.Equal("application/json", seen.Accept.ToString());
        Assert.Equal("example.test", seen.Host.ToString());
        Assert.Equal("1", seen["X-Probe"].ToString());
    }

    [Theory]
    [InlineData("http", true)]
    [InlineData("8080", false)]
    public async Task Run_NamedPort_ResolvedAgainstContainerPorts(string portName, bool declared)
    {
        var container = new Container
        {
            Name = "app",
            Ports = declared ? [new ContainerPort { Name = portName, ContainerPortNumber = _server.Port }] : [],
        };
        var probe = new Probe { HttpGet = new HttpGetAction { Path = "/ok", Port = portName } };
        var request = new ProbeRequest(ProbeTestKit.Pod(container), new PodStatus { PodIP = "127.0.0.1" }, container, "c1", probe, TimeSpan.FromSeconds(5));

        var outcome = await _runner.RunAsync(request, CancellationToken.None);

        // "8080" is not declared, so it is parsed as a number: a port where this server does not listen.
        Assert.Equal(declared ? ProbeOutcomeKind.Success : ProbeOutcomeKind.Failure, outcome.Kind);
    }

    [Fact]
    public async Task Run_UndeclaredNamedPort_ErrorsLikeTheKubelet()
    {
        var container = new Container { Name = "app" };
        var probe = new Probe { HttpGet = new HttpGetAction { Path = "/ok", Port = "http" } };
        var request = new ProbeRequest(ProbeTestKit.Pod(container), new PodStatus(), container, "c1", probe, TimeSpan.FromSeconds(1));

        var outcome = await _runner.RunAsync(request, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error("strconv.Atoi: parsing \"http\": invalid syntax"), outcome);
        Assert.Empty(_requests);
    }

    [Fact]
    public void CreateUri_DefaultsSchemeHostAndPath()
    {
        var container = new Container { Name = "app" };

        Assert.True(HttpGetRequests.TryCreateUri(new HttpGetAction { Port = 8080, Path = "healthz?x=1", Scheme = "HTTPS" }, container, "10.0.0.5", out var uri, out _));
        Assert.Equal("https://10.0.0.5:8080/healthz?x=1", uri!.OriginalString);
        Assert.True(HttpGetRequests.TryCreateUri(new HttpGetAction { Port = 80, Host = "::1" }, container, "10.0.0.5", out var v6, out _));
        Assert.Equal("http://[::1]:80/", v6!.OriginalString);
        Assert.False(HttpGetRequests.TryCreateUri(new HttpGetAction { Port = 0 }, container, "10.0.0.5", out _, out var error));
        Assert.Equal("invalid port number: 0", error);
    }
}
