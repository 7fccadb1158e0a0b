namespace Podvisor.Client.Informers;

public sealed record InformerOptions
{
    /// <summary>null: all namespaces (or a cluster-scoped kind).</summary>
    public string? Namespace { get; init; }

    public string? LabelSelector { get; init; }

    /// <summary>E.g. <c>spec.nodeName=node-1</c> for a node agent's pods.</summary>
    public string? FieldSelector { get; init; }

    /// <summary>Events a subscriber may have pending before the watch loop waits for it (see <see cref="Informer{T}"/>).</summary>
    public int HandlerQueueCapacity { get; init; } = 1024;

    /// <summary>First wait before relisting after a failed list or an expired watch; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HandlerQueueCapacity, 1, nameof(HandlerQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InitialBackoff, TimeSpan.Zero, nameof(InitialBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, InitialBackoff, nameof(MaxBackoff));
    }
}
