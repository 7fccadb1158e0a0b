using Podvisor.Model.Meta;

namespace Podvisor.Client;

/// <summary>Read-modify-write with optimistic concurrency, the shape of client-go's RetryOnConflict.</summary>
public static class ResourceClientExtensions
{
    /// <summary>Attempts before a persistent Conflict is surfaced to the caller.</summary>
    public const int MaxConflictAttempts = 8;

    /// <summary>
    /// Gets the object, applies <paramref name="mutate"/> and writes .status; on Conflict gets the fresh object and
    /// applies <paramref name="mutate"/> again (so it must be a pure function of its input). <paramref name="mutate"/>
    /// returns null when nothing needs to change: then nothing is written and the current object is returned.
    /// Returns null when the object does not exist.
    /// </summary>
    public static Task<T?> UpdateStatusWithRetryAsync<T>(
        this IResourceClient<T> client, string? ns, string name, Func<T, T?> mutate, CancellationToken ct)
        where T : class, IKubernetesObject =>
        RetryAsync(client, ns, name, mutate, static (c, o, ct) => c.UpdateStatusAsync(o, ct), null, ct);

    /// <summary>As <see cref="UpdateStatusWithRetryAsync{T}"/> for spec and metadata (a plain update; status is kept).</summary>
    public static Task<T?> UpdateWithRetryAsync<T>(
        this IResourceClient<T> client, string? ns, string name, Func<T, T?> mutate, CancellationToken ct)
        where T : class, IKubernetesObject =>
        RetryAsync(client, ns, name, mutate, static (c, o, ct) => c.UpdateAsync(o, ct), null, ct);

    /// <summary>
    /// As <see cref="UpdateStatusWithRetryAsync{T}"/>, but the first attempt starts from <paramref name="current"/>
    /// (e.g. an informer's copy) instead of a read, saving a round trip on the common, uncontended path.
    /// </summary>
    public static Task<T?> UpdateStatusWithRetryAsync<T>(
        this IResourceClient<T> client, T current, Func<T, T?> mutate, CancellationToken ct)
        where T : class, IKubernetesObject =>
        RetryAsync(client, current.Metadata.Namespace, current.Metadata.Name ?? "", mutate, static (c, o, ct) => c.UpdateStatusAsync(o, ct), current, ct);

    /// <summary>As <see cref="UpdateWithRetryAsync{T}"/>, starting from <paramref name="current"/>.</summary>
    public static Task<T?> UpdateWithRetryAsync<T>(
        this IResourceClient<T> client, T current, Func<T, T?> mutate, CancellationToken ct)
        where T : class, IKubernetesObject =>
        RetryAsync(client, current.Metadata.Namespace, current.Metadata.Name ?? "", mutate, static (c, o, ct) => c.UpdateAsync(o, ct), current, ct);

    /// <summary>As <see cref="UpdateWithRetryAsync{T}(IResourceClient{T}, T, Func{T, T}, CancellationToken)"/>, writing status too (<see cref="IResourceClient{T}.UpdateWithStatusAsync"/>).</summary>
    public static Task<T?> UpdateWithStatusWithRetryAsync<T>(
        this IResourceClient<T> client, T current, Func<T, T?> mutate, CancellationToken ct)
        where T : class, IKubernetesObject =>
        RetryAsync(client, current.Metadata.Namespace, current.Metadata.Name ?? "", mutate, static (c, o, ct) => c.UpdateWithStatusAsync(o, ct), current, ct);

    private static async Task<T?> RetryAsync<T>(
        IResourceClient<T> client,
        string? ns,
        string name,
        Func<T, T?> mutate,
        Func<IResourceClient<T>, T, CancellationToken, Task<T>> write,
        T? first,
        CancellationToken ct)
        where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(mutate);
        for (var attempt = 1; ; attempt++)
        {
            var current = attempt == 1 && first is not null ? first : await client.GetAsync(ns, name, ct);
            if (current is null)
            {
                return null;
            }

            var changed = mutate(current);
            if (changed is null)
            {
                return current;
            }

            // The write is conditional on the resourceVersion we read; a mutate that dropped it would make the write
            // unconditional and silently overwrite a concurrent change.
            if (changed.Metadata.ResourceVersion != current.Metadata.ResourceVersion)
            {
                throw new InvalidOperationException("mutate must keep metadata.resourceVersion");
            }

            try
            {
                return await write(client, changed, ct);
            }
            catch (ApiException e) when (e.IsConflict && attempt < MaxConflictAttempts)
            {
                // Someone wrote in between: read the fresh object and apply mutate again.
            }
            catch (ApiException e) when (e.IsNotFound)
            {
                return null;
            }
        }
    }
}
