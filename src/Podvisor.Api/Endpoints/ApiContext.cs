using Microsoft.Extensions.Logging;
using Podvisor.Api.Resources;
using Podvisor.Store;

namespace Podvisor.Api.Endpoints;

/// <summary>What every endpoint needs: the store, the served kinds, the clock, and the server's stopping token.</summary>
internal sealed class ApiContext(IResourceStore store, ResourceRegistry registry, TimeProvider time, ILogger logger, CancellationToken stopping)
{
    public IResourceStore Store { get; } = store;

    public ResourceRegistry Registry { get; } = registry;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;

    /// <summary>Fires when the server begins to stop; open watches end cleanly on it.</summary>
    public CancellationToken Stopping { get; } = stopping;

    public ResourceStrategy NamespaceStrategy => Registry.Find("", "v1", "namespaces") ?? BuiltInResources.Namespaces;
}
