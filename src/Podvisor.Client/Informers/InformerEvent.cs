namespace Podvisor.Client.Informers;

public enum InformerEventType
{
    Added,
    Updated,
    Deleted,
}

/// <summary>A change to an informer's cache, as handed to a subscriber.</summary>
/// <param name="Object">The new state; for Deleted the last state known.</param>
/// <param name="OldObject">For Updated, the state it replaced.</param>
/// <param name="IsInitialList">True for the Added events that replay the cache to a new subscriber or come from the first list.</param>
public sealed record InformerEvent<T>(InformerEventType Type, T Object, T? OldObject = null, bool IsInitialList = false)
    where T : class;
