using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Podvisor.Testing.Http;

namespace Podvisor.E2E;

/// <summary>
/// grpc probes as the shipped (trimmed) binary runs them: grpc.health.v1.Health/Check over cleartext HTTP/2 to a
/// real health endpoint this test serves on 127.0.0.1 (the process runtime's pod IP), its answer flipped mid-test.
/// </summary>
public sealed class GrpcProbeE2ETests(PodvisorServer server) : IClassFixture<PodvisorServer>
{
    private const byte Serving = 1;
    private const byte NotServing = 2;

    [Fact]
    public async Task GrpcReadiness_ServingThenNotServing_ReadyFollowsAndUnhealthyEventQuotesTheStatus()
    {
        var status = Serving;
        var checks = 0;
        await using var health = await StartHealthEndpointAsync(() =>
        {
            Interlocked.Increment(ref checks);
            return Volatile.Read(ref status);
        });
        (await server.ApplyAsync($"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: grpc-ready
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                command: ["sleep", "600"]
                readinessProbe:
                  grpc:
                    port: {health.Port}
                  periodSeconds: 1
                  failureThreshold: 1
            """)).AssertSuccess();

        (await server.KubectlAsync("wait", "--for=condition=Ready", "pod/grpc-ready", "--timeout=60s")).AssertSuccess();
        Assert.True(Volatile.Read(ref checks) > 0, "Ready without a health check reaching the endpoint");

        Volatile.Write(ref status, NotServing);
        (await server.KubectlAsync("wait", "--for=condition=Ready=false", "pod/grpc-ready", "--timeout=60s")).AssertSuccess();
        var described = (await server.KubectlAsync("describe", "pod", "grpc-ready")).AssertSuccess().Stdout;
        Assert.Contains("Readiness probe failed: service unhealthy (responded with \"NOT_SERVING\")", described, StringComparison.Ordinal);
        Assert.Equal("0/1", (await server.KubectlAsync("get", "pod", "grpc-ready", "--no-headers")).AssertSuccess().Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

        (await server.KubectlAsync("delete", "pod", "grpc-ready", "--timeout=60s")).AssertSuccess();
    }

    /// <summary>A grpc.health.v1 Check endpoint: HTTP/2 only, cleartext, loopback, a free port.</summary>
    private static Task<KestrelTestServer> StartHealthEndpointAsync(Func<byte> status) => KestrelTestServer.StartAsync(
        app => app.MapPost("/grpc.health.v1.Health/Check", async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.ContentType = "application/grpc";
            // One uncompressed gRPC message of 2 bytes: HealthCheckResponse field 1 (status), varint.
            await ctx.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 2, 0x08, status() });
            ctx.Response.AppendTrailer("grpc-status", "0");
        }),
        HttpProtocols.Http2);
}
