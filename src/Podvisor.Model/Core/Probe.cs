using Podvisor.Model.Meta;

namespace Podvisor.Model.Core;

/// <summary>A startup, liveness or readiness probe: one handler plus timing parameters (SPEC.md §1.1).</summary>
public sealed record Probe
{
    public ExecAction? Exec { get; init; }

    public HttpGetAction? HttpGet { get; init; }

    public TcpSocketAction? TcpSocket { get; init; }

    public GrpcAction? Grpc { get; init; }

    public int? InitialDelaySeconds { get; init; }

    public int? TimeoutSeconds { get; init; }

    public int? PeriodSeconds { get; init; }

    public int? SuccessThreshold { get; init; }

    public int? FailureThreshold { get; init; }

    public long? TerminationGracePeriodSeconds { get; init; }
}

public sealed record ExecAction
{
    public IReadOnlyList<string>? Command { get; init; }
}

public sealed record HttpGetAction
{
    public string? Path { get; init; }

    public IntOrString Port { get; init; }

    public string? Host { get; init; }

    /// <summary>HTTP (default) or HTTPS.</summary>
    public string? Scheme { get; init; }

    public IReadOnlyList<HttpHeader>? HttpHeaders { get; init; }
}

public sealed record HttpHeader
{
    public string Name { get; init; } = "";

    public string Value { get; init; } = "";
}

public sealed record TcpSocketAction
{
    public IntOrString Port { get; init; }

    public string? Host { get; init; }
}

public sealed record GrpcAction
{
    public int Port { get; init; }

    public string? Service { get; init; }
}

public sealed record SleepAction
{
    public long Seconds { get; init; }
}

/// <summary>postStart and preStop hooks.</summary>
public sealed record Lifecycle
{
    public LifecycleHandler? PostStart { get; init; }

    public LifecycleHandler? PreStop { get; init; }

    /// <summary>Overrides the stop signal (SIGTERM by default), e.g. "SIGINT".</summary>
    public string? StopSignal { get; init; }
}

public sealed record LifecycleHandler
{
    public ExecAction? Exec { get; init; }

    public HttpGetAction? HttpGet { get; init; }

    /// <summary>Deprecated; accepted for compatibility and ignored.</summary>
    public TcpSocketAction? TcpSocket { get; init; }

    public SleepAction? Sleep { get; init; }
}
