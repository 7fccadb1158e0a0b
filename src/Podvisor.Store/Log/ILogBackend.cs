namespace Podvisor.Store.Log;

/// <summary>
/// The SQL seam of the log-structured store. SQLite is the embedded default; PostgreSQL (several API servers)
/// implements the same operations. Writes are called one at a time, under the store's commit gate; reads are
/// thread-safe and each runs in one read snapshot.
/// </summary>
internal interface ILogBackend : IDisposable
{
    /// <summary>Creates the schema if needed and loads the newest revision, the compact revision and the latest row of every key.</summary>
    LogState Open();

    /// <summary>
    /// Appends the rows (their Revision is the id to use) in one transaction and returns once it is durable.
    /// Throws <see cref="LogConflictException"/> when the (name, prev_revision) unique index rejects a row;
    /// nothing is written then.
    /// </summary>
    void Append(List<LogRow> rows);

    /// <summary>
    /// Removes superseded rows and tombstones with revision in (<paramref name="fromRevision"/>, <paramref name="toRevision"/>]
    /// (as kine does) and records <paramref name="toRevision"/> as the compact revision, in one transaction.
    /// Returns the number of rows removed.
    /// </summary>
    int Compact(long fromRevision, long toRevision);

    /// <summary>The key's newest row (possibly a tombstone), or null.</summary>
    LogRow? GetLatest(string key);

    /// <summary>
    /// Live objects under <paramref name="prefix"/> as of <paramref name="revision"/>, keys after
    /// <paramref name="afterKey"/> in key order, at most <paramref name="limit"/>.
    /// Throws StoreException(Expired) when <paramref name="revision"/> was compacted.
    /// </summary>
    List<LogRow> List(string prefix, long revision, string? afterKey, int limit);

    /// <summary>How many live objects under the prefix as of the revision have keys after <paramref name="afterKey"/>.</summary>
    long Count(string prefix, long revision, string? afterKey);

    /// <summary>
    /// Rows under the prefix with revision &gt; <paramref name="afterRevision"/>, in revision order, with PrevValue
    /// filled for updates and deletes. Throws StoreException(Expired) when rows after it may have been compacted.
    /// </summary>
    List<LogRow> ReadAfter(string prefix, long afterRevision, int limit);
}
