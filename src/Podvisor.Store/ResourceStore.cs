using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Podvisor.Store.Log;
using static Podvisor.Store.ObjectJson;

namespace Podvisor.Store;

/// <summary>
/// Kubernetes object semantics over the log (<see cref="LogStore"/>): keys, uid, timestamps, generation,
/// resourceVersion, status subresource, graceful deletion and finalizers, selectors and paging.
/// Stored values carry no resourceVersion: it is the row's revision, stamped on every read.
/// </summary>
internal sealed partial class ResourceStore : IResourceStore
{
    private const int MaxGenerateNameAttempts = 8;
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private readonly LogStore _log;
    private readonly TimeProvider _time;
    private readonly StoreOptions _options;
    private readonly Compactor _compactor;
    private int _disposed;

    public ResourceStore(ILogBackend backend, TimeProvider time, StoreOptions options, ILoggerFactory loggerFactory)
    {
        options.Validate();
        _time = time;
        _options = options;
        _log = new LogStore(backend, options, loggerFactory.CreateLogger("Podvisor.Store.LogStore"));
        _compactor = new Compactor(_log, options, time, loggerFactory.CreateLogger("Podvisor.Store.Compactor"));
        _compactor.Start();
    }

    public long CurrentRevision => _log.CurrentRevision;

    internal LogStore Log => _log;

    internal Compactor Compactor => _compactor;

    /// <summary>Compacts history up to <paramref name="revision"/> now (the background compactor does this periodically).</summary>
    internal Task<long> CompactAsync(long revision, CancellationToken ct) => _log.CompactAsync(revision, ct);

    public async Task<JsonObject> CreateAsync(ResourceType type, JsonObject obj, CancellationToken ct)
    {
        var o = (JsonObject)obj.DeepClone();
        var meta = Meta(o);
        var ns = NamespaceOf(type, meta, required: true);
        var name = String(meta, "name");
        var generateName = String(meta, "generateName");
        var generate = string.IsNullOrEmpty(name);
        if (generate && string.IsNullOrEmpty(generateName))
        {
            throw new StoreException(StoreErrorReason.Invalid, $"{type.Kind} \"\" is invalid: metadata.name: Required value: name or generateName is required");
        }

        o["apiVersion"] ??= type.ApiVersion;
        o["kind"] ??= type.Kind;
        meta.Remove("resourceVersion");
        meta.Remove("deletionTimestamp");
        meta.Remove("deletionGracePeriodSeconds");
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = Timestamp(_time.GetUtcNow());
        meta["generation"] = 1L;

        for (var attempt = 1; ; attempt++)
        {
            if (generate)
            {
                name = generateName + RandomSuffix();
                meta["name"] = name;
            }

            ValidateName(type, name!);
            var key = Key(type, ns, name!);
            var result = await _log.WriteAsync(LogOp.Create, key, Serialize(o), 0, null, ct);
            if (result.Status == WriteStatus.Ok)
            {
                meta["resourceVersion"] = Rv(result.Revision);
                return o;
            }

            if (!generate || attempt >= MaxGenerateNameAttempts)
            {
                throw AlreadyExists(type, name!);
            }
        }
    }

    public Task<JsonObject?> GetAsync(ResourceType type, string? ns, string name, CancellationToken ct)
    {
        ns = RequireNamespace(type, ns);
        ValidateName(type, name);
        var row = _log.Backend.GetLatest(Key(type, ns, name));
        return Task.FromResult(row is { Deleted: false } r ? Materialize(r.Value, r.Revision) : null);
    }

    public async Task<JsonObject> UpdateAsync(ResourceType type, JsonObject obj, string? subresource, CancellationToken ct)
    {
        // statusOnly: take only .status from obj; keepStoredStatus: take everything but .status from obj.
        var (statusOnly, keepStoredStatus) = subresource switch
        {
            null or "" => (false, type.HasStatus),
            Subresources.Status => (true, false),
            Subresources.SpecAndStatus => (false, false),
            _ => throw new StoreException(StoreErrorReason.BadRequest, $"subresource \"{subresource}\" is not supported by the store"),
        };
        var inMeta = obj["metadata"] as JsonObject ?? throw new StoreException(StoreErrorReason.BadRequest, "metadata is required");
        var ns = NamespaceOf(type, inMeta, required: true);
        var name = String(inMeta, "name");
        if (string.IsNullOrEmpty(name))
        {
            throw new StoreException(StoreErrorReason.BadRequest, "metadata.name is required for an update");
        }

        ValidateName(type, name);
        long? expected = ParseRv(String(inMeta, "resourceVersion"));
        var key = Key(type, ns, name);
        while (true)
        {
            var current = _log.Backend.GetLatest(key);
            if (current is not { Deleted: false } cur)
            {
                throw NotFound(type, name);
            }

            if (expected is { } e && e != cur.Revision)
            {
                throw Conflict(type, name);
            }

            var stored = Parse(cur.Value);
            var storedMeta = Meta(stored);
            JsonObject next;
            if (statusOnly)
            {
                next = (JsonObject)stored.DeepClone();
                CopyOrRemove(obj, next, "status");
            }
            else
            {
                next = (JsonObject)obj.DeepClone();
                if (keepStoredStatus)
                {
                    CopyOrRemove(stored, next, "status");
                }

                var nextMeta = Meta(next);
                foreach (var kept in (ReadOnlySpan<string>)["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace", "name"])
                {
                    CopyOrRemove(storedMeta, nextMeta, kept);
                }

                nextMeta.Remove("resourceVersion");
                if (DesiredStateChanged(stored, next))
                {
                    nextMeta["generation"] = (Long(storedMeta, "generation") ?? 0) + 1;
                }

                next["apiVersion"] ??= type.ApiVersion;
                next["kind"] ??= type.Kind;
            }

            var meta = Meta(next);
            var bytes = Serialize(next);
            var finalize = String(storedMeta, "deletionTimestamp") is not null && FinalizerCount(meta) == 0
                && (!type.GracefulDelete || (Long(storedMeta, "deletionGracePeriodSeconds") ?? 0) == 0);
            if (!finalize && bytes.AsSpan().SequenceEqual(cur.Value))
            {
                // Nothing changed: no new revision, no watch event (as Kubernetes' GuaranteedUpdate).
                meta["resourceVersion"] = Rv(cur.Revision);
                return next;
            }

            var result = await _log.WriteAsync(finalize ? LogOp.Delete : LogOp.Update, key, bytes, cur.Revision, cur.Value, ct);
            switch (result.Status)
            {
                case WriteStatus.Ok:
                    meta["resourceVersion"] = Rv(result.Revision);
                    return next;
                case WriteStatus.NotFound:
                    throw NotFound(type, name);
                case WriteStatus.Conflict when expected is not null:
                    throw Conflict(type, name);
                default:
                    continue; // unconditional update raced another writer: re-read and re-apply
            }
        }
    }

    public async Task<DeleteResult> DeleteAsync(ResourceType type, string? ns, string name, DeleteOptions options, CancellationToken ct)
    {
        ns = RequireNamespace(type, ns);
        ValidateName(type, name);
        var key = Key(type, ns, name);
        while (true)
        {
            var current = _log.Backend.GetLatest(key);
            if (current is not { Deleted: false } cur)
            {
                throw NotFound(type, name);
            }

            var obj = Parse(cur.Value);
            var meta = Meta(obj);
            CheckPreconditions(type, name, options, meta, cur.Revision);

            var now = _time.GetUtcNow();
            var existingTimestamp = ParseTimestamp(String(meta, "deletionTimestamp"));
            var existingGrace = Long(meta, "deletionGracePeriodSeconds");
            var grace = type.GracefulDelete ? Math.Max(0, options.GracePeriodSeconds ?? DefaultGrace(obj)) : 0;
            bool mark;
            if (grace > 0)
            {
                // Graceful: mark with now + grace; a later delete may only shorten it.
                mark = existingTimestamp is null || existingGrace is null || grace < existingGrace;
                if (mark)
                {
                    SetDeletion(meta, now.AddSeconds(grace), existingTimestamp, grace);
                }
            }
            else if (FinalizerCount(meta) > 0)
            {
                // Finalizers hold the object: mark it (once; or shorten a graceful mark to 0).
                mark = existingTimestamp is null || (existingGrace ?? 0) != 0;
                if (mark)
                {
                    SetDeletion(meta, now, existingTimestamp, 0);
                }
            }
            else
            {
                var deleted = await _log.WriteAsync(LogOp.Delete, key, cur.Value, cur.Revision, cur.Value, ct);
                if (deleted.Status == WriteStatus.Ok)
                {
                    meta["resourceVersion"] = Rv(cur.Revision);
                    return new DeleteResult(obj, Deleted: true);
                }

                ThrowOrRetry(type, name, options, deleted.Status);
                continue;
            }

            if (!mark)
            {
                meta["resourceVersion"] = Rv(cur.Revision);
                return new DeleteResult(obj, Deleted: false);
            }

            if (existingTimestamp is null)
            {
                // Kubernetes bumps generation when it first sets deletionTimestamp (rest.BeforeDelete).
                meta["generation"] = (Long(meta, "generation") ?? 0) + 1;
            }

            var marked = await _log.WriteAsync(LogOp.Update, key, Serialize(obj), cur.Revision, cur.Value, ct);
            if (marked.Status == WriteStatus.Ok)
            {
                meta["resourceVersion"] = Rv(marked.Revision);
                return new DeleteResult(obj, Deleted: false);
            }

            ThrowOrRetry(type, name, options, marked.Status);
        }
    }

    public ValueTask DisposeAsync() => DisposeCoreAsync();

    private async ValueTask DisposeCoreAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _compactor.DisposeAsync();
        await _log.DisposeAsync();
    }

    private static void SetDeletion(JsonObject meta, DateTimeOffset at, DateTimeOffset? existing, long grace)
    {
        var when = existing is { } e && e < at ? e : at;
        meta["deletionTimestamp"] = Timestamp(when);
        meta["deletionGracePeriodSeconds"] = grace;
    }

    private static long DefaultGrace(JsonObject obj) =>
        obj["spec"] is JsonObject spec && Long(spec, "terminationGracePeriodSeconds") is { } g ? g : 30;

    private static void CheckPreconditions(ResourceType type, string name, DeleteOptions options, JsonObject meta, long revision)
    {
        if (options.PreconditionUid is { } uid && uid != String(meta, "uid"))
        {
            throw new StoreException(
                StoreErrorReason.Conflict,
                $"Operation cannot be fulfilled on {Qualified(type)} \"{name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {String(meta, "uid")}");
        }

        if (options.PreconditionResourceVersion is { } rv && rv != Rv(revision))
        {
            throw new StoreException(
                StoreErrorReason.Conflict,
                $"Operation cannot be fulfilled on {Qualified(type)} \"{name}\": Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {Rv(revision)}");
        }
    }

    private static void ThrowOrRetry(ResourceType type, string name, DeleteOptions options, WriteStatus status)
    {
        if (status == WriteStatus.NotFound)
        {
            throw NotFound(type, name);
        }

        if (options.PreconditionResourceVersion is not null)
        {
            throw Conflict(type, name);
        }
    }

    internal static string Key(ResourceType type, string? ns, string name) =>
        type.Namespaced ? $"/registry/{GroupSegment(type)}/{type.Resource}/{ns}/{name}" : $"/registry/{GroupSegment(type)}/{type.Resource}/{name}";

    internal static string Prefix(ResourceType type, string? ns) =>
        type.Namespaced && !string.IsNullOrEmpty(ns)
            ? $"/registry/{GroupSegment(type)}/{type.Resource}/{ns}/"
            : $"/registry/{GroupSegment(type)}/{type.Resource}/";

    private static string GroupSegment(ResourceType type) => type.Group.Length == 0 ? "core" : type.Group;

    private static string Qualified(ResourceType type) => type.Group.Length == 0 ? type.Resource : $"{type.Resource}.{type.Group}";

    private static string Rv(long revision) => revision.ToString(CultureInfo.InvariantCulture);

    private static long? ParseRv(string? rv)
    {
        if (string.IsNullOrEmpty(rv))
        {
            return null;
        }

        return long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out var r)
            ? r
            : throw new StoreException(StoreErrorReason.BadRequest, $"invalid resource version: \"{rv}\"");
    }

    private static string? NamespaceOf(ResourceType type, JsonObject meta, bool required)
    {
        if (!type.Namespaced)
        {
            meta.Remove("namespace");
            return null;
        }

        var ns = String(meta, "namespace");
        if (required && string.IsNullOrEmpty(ns))
        {
            throw new StoreException(StoreErrorReason.BadRequest, $"the namespace of the object is required for {Qualified(type)}");
        }

        ValidateSegment(ns!, "namespace");
        return ns;
    }

    private static string? RequireNamespace(ResourceType type, string? ns)
    {
        if (!type.Namespaced)
        {
            return null;
        }

        if (string.IsNullOrEmpty(ns))
        {
            throw new StoreException(StoreErrorReason.BadRequest, $"a namespace is required for {Qualified(type)}");
        }

        ValidateSegment(ns, "namespace");
        return ns;
    }

    private static void ValidateName(ResourceType type, string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new StoreException(StoreErrorReason.BadRequest, $"a name is required for {Qualified(type)}");
        }

        ValidateSegment(name, "name");
    }

    private static void ValidateSegment(string value, string what)
    {
        if (value is "." or ".." || value.Contains('/', StringComparison.Ordinal) || value.Contains('%', StringComparison.Ordinal))
        {
            throw new StoreException(StoreErrorReason.Invalid, $"metadata.{what}: Invalid value: \"{value}\": may not be '.' or '..' and may not contain '/' or '%'");
        }
    }

    private static string RandomSuffix() =>
        string.Create(5, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = GenerateNameAlphabet[Random.Shared.Next(GenerateNameAlphabet.Length)];
            }
        });

    internal static StoreException NotFound(ResourceType type, string name) =>
        new(StoreErrorReason.NotFound, $"{Qualified(type)} \"{name}\" not found");

    internal static StoreException AlreadyExists(ResourceType type, string name) =>
        new(StoreErrorReason.AlreadyExists, $"{Qualified(type)} \"{name}\" already exists");

    internal static StoreException Conflict(ResourceType type, string name) =>
        new(StoreErrorReason.Conflict, $"Operation cannot be fulfilled on {Qualified(type)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
}
