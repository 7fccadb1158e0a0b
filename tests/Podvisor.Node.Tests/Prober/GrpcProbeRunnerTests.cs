using System.Buffers.Binary;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Podvisor.Node.Prober.Runners;
using Podvisor.Testing.Http;

namespace Podvisor.Node.Tests.Prober;

/// <summary>grpc probes against a Kestrel h2c server implementing grpc.health.v1.Health/Check (SPEC §1.7).</summary>
public sealed class GrpcProbeRunnerTests : IAsyncLifetime
{
    private readonly GrpcProbeRunner _runner = new(TimeProvider.System, "1.32");
    private KestrelTestServer _server = null!;
    private string? _userAgent;

    public async Task InitializeAsync()
    {
        _server = await KestrelTestServer.StartAsync(
            app => app.MapPost("/grpc.health.v1.Health/Check", async ctx =>
            {
                _userAgent = ctx.Request.Headers.UserAgent.ToString();
                using var body = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(body);
                var service = ReadService(body.ToArray());
                ctx.Response.ContentType = "application/grpc";
                if (service == "unimplemented")
                {
                    // Trailers-only response, as a gRPC server without the health service answers.
                    ctx.Response.Headers["grpc-status"] = "12";
                    ctx.Response.Headers["grpc-message"] = "unknown service grpc.health.v1.Health";
                    return;
                }

                var status = service switch
                {
                    "" => GrpcHealthCodec.Serving,
                    "down" => GrpcHealthCodec.NotServing,
                    _ => GrpcHealthCodec.ServiceUnknown,
                };
                await ctx.Response.Body.WriteAsync(GrpcHealthCodec.EncodeResponse(status));
                ctx.Response.AppendTrailer("grpc-status", "0");
            }),
            HttpProtocols.Http2);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Probe_Serving_Success()
    {
        var outcome = await _runner.ProbeAsync("127.0.0.1", _server.Port, null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Success("service healthy"), outcome);
        Assert.Equal("kube-probe/1.32", _userAgent);
    }

    [Fact]
    public async Task Probe_NotServing_Failure()
    {
        var outcome = await _runner.ProbeAsync("127.0.0.1", _server.Port, "down", TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failure("service unhealthy (responded with \"NOT_SERVING\")"), outcome);
    }

    [Fact]
    public async Task Probe_Unimplemented_Failure()
    {
        var outcome = await _runner.ProbeAsync("127.0.0.1", _server.Port, "unimplemented", TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(
            ProbeOutcome.Failure("error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health"),
            outcome);
    }

    [Fact]
    public async Task Probe_ClosedPort_Failure()
    {
        var port = Ports.Closed();

        var outcome = await _runner.ProbeAsync("127.0.0.1", port, null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeOutcomeKind.Failure, outcome.Kind);
        Assert.StartsWith($"error: failed to connect service at \"127.0.0.1:{port}\": dial tcp 127.0.0.1:{port}: connect: connection refused", outcome.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("my.Service")]
    public void Codec_RequestFrame_CarriesTheServiceName(string? service)
    {
        var frame = GrpcHealthCodec.EncodeRequest(service);

        Assert.Equal(0, frame[0]);
        Assert.Equal((uint)(frame.Length - 5), BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1)));
        Assert.Equal(service ?? "", ReadService(frame));
    }

    [Theory]
    [InlineData(GrpcHealthCodec.Unknown)]
    [InlineData(GrpcHealthCodec.Serving)]
    [InlineData(GrpcHealthCodec.NotServing)]
    [InlineData(300)]
    public void Codec_ResponseFrame_RoundTrips(int status)
    {
        Assert.True(GrpcHealthCodec.TryDecodeResponse(GrpcHealthCodec.EncodeResponse(status), out var decoded));
        Assert.Equal(status, decoded);
    }

    [Fact]
    public void Codec_TruncatedFrame_Rejected()
    {
        Assert.False(GrpcHealthCodec.TryDecodeResponse([0, 0, 0, 0, 2, 0x08], out _));
    }

    private static string ReadService(byte[] frame)
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1));
        if (length == 0)
        {
            return "";
        }

        Assert.Equal(0x0A, frame[5]); // field 1, length-delimited
        return Encoding.UTF8.GetString(frame, 7, frame[6]); // names here are shorter than 128 bytes
    }
}
