using Podvisor.Runtime;

namespace Podvisor.Node.Prober.Runners;

/// <summary>Sends each probe to the runner of its handler kind (exec, httpGet, tcpSocket, grpc).</summary>
internal sealed class ProbeDispatcher(IProbeRunner exec, IProbeRunner http, IProbeRunner tcp, IProbeRunner grpc) : IProbeRunner
{
    public ProbeDispatcher(IContainerRuntime runtime, TimeProvider time, string kubeVersion)
        : this(new ExecProbeRunner(runtime), new HttpProbeRunner(time, kubeVersion), new TcpProbeRunner(time), new GrpcProbeRunner(time, kubeVersion))
    {
    }

    public ValueTask<ProbeOutcome> RunAsync(ProbeRequest request, CancellationToken ct)
    {
        var p = request.Probe;
        if (p.Exec is not null)
        {
            return exec.RunAsync(request, ct);
        }

        if (p.HttpGet is not null)
        {
            return http.RunAsync(request, ct);
        }

        if (p.TcpSocket is not null)
        {
            return tcp.RunAsync(request, ct);
        }

        if (p.Grpc is not null)
        {
            return grpc.RunAsync(request, ct);
        }

        // The kubelet reports a probe without a handler as an error ("missing probe handler").
        return ValueTask.FromResult(ProbeOutcome.Error($"missing probe handler for {request.Pod.Metadata.Name}_{request.Pod.Metadata.Namespace}({request.Pod.Metadata.Uid}):{request.Container.Name}"));
    }
}
