using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Routing;
using Podvisor.Api.Resources;
using Podvisor.Store;

namespace Podvisor.Api;

public sealed record ApiServerOptions
{
    /// <summary>Holds pki/, token and kubeconfig. Created when missing.</summary>
    public required string DataDir { get; init; }

    /// <summary>HOST:PORT; port 0 picks a free port. "localhost" means 127.0.0.1; "[::]" or "0.0.0.0" all interfaces.</summary>
    public string Listen { get; init; } = "127.0.0.1:6443";

    public required IResourceStore Store { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The served kinds; defaults to <see cref="BuiltInResources.CreateRegistry"/> (typed admission included).</summary>
    public ResourceRegistry? Registry { get; init; }

    /// <summary>
    /// Maps extra endpoints (e.g. pods/log, exec, portforward via MapPodStreaming). They run after authentication and
    /// win over the generic resource routes; WebSockets are enabled.
    /// </summary>
    public Action<IEndpointRouteBuilder>? MapEndpoints { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The CA and serving certificate being loaded (<see cref="ApiServerHost.PrepareTls"/>); null: loaded at start.</summary>
    public Task<Auth.ServingCertificates>? Tls { get; init; }

    /// <summary>How long StopAsync lets in-flight requests finish before Kestrel aborts them.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
