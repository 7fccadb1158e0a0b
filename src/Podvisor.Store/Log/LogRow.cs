namespace Podvisor.Store.Log;

/// <summary>
/// One row of the append-only log. <see cref="Revision"/> is the row id, the global revision and the object's
/// resourceVersion. A deleted row (tombstone) carries the object's last state as <see cref="Value"/>.
/// </summary>
/// <param name="PrevRevision">The key's previous row (0 for the first create); unique per key in the database.</param>
/// <param name="PrevValue">The key's previous value when known (live events, replay); null for creates.</param>
internal readonly record struct LogRow(
    long Revision,
    string Key,
    bool Created,
    bool Deleted,
    long CreateRevision,
    long PrevRevision,
    byte[] Value,
    byte[]? PrevValue)
{
    /// <summary>A marker a watcher's timer puts in its queue to ask for a BOOKMARK; never stored.</summary>
    public static LogRow BookmarkTick { get; } = new(0, "", false, false, 0, 0, [], null);

    public bool IsBookmarkTick => Revision == 0;
}

internal enum LogOp : byte
{
    Create,
    Update,
    Delete,
    Compact,
}

internal enum WriteStatus : byte
{
    Ok,
    /// <summary>Create of a key that exists.</summary>
    AlreadyExists,
    /// <summary>Update/delete of a key that does not exist (or is deleted).</summary>
    NotFound,
    /// <summary>Update/delete whose expected revision is not the key's latest.</summary>
    Conflict,
}

/// <param name="Revision">The new row's revision when Ok; otherwise the key's current revision (0 if absent).</param>
internal readonly record struct WriteResult(WriteStatus Status, long Revision);

/// <summary>The latest row of a key, as the writer's in-memory index holds it.</summary>
internal readonly record struct KeyState(long Revision, long CreateRevision, bool Deleted);

/// <summary>What a back end knows when opened.</summary>
internal sealed record LogState(long CurrentRevision, long CompactRevision, Dictionary<string, KeyState> Index);

/// <summary>Raised by a back end when the (name, prev_revision) unique index rejects a row.</summary>
internal sealed class LogConflictException(string message, Exception inner) : Exception(message, inner);
