using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Podvisor.Store.Log;
using static Podvisor.Store.ObjectJson;

namespace Podvisor.Store;

/// <summary>List (consistent at one revision, paged by key) and watch (subscribe, replay, then live).</summary>
internal sealed partial class ResourceStore
{
    private const int ReadPage = 500;

    public Task<ListResult> ListAsync(ResourceType type, string? ns, ListOptions options, CancellationToken ct)
    {
        var filter = ObjectFilter.Create(type, options.LabelSelector, options.FieldSelector);
        var prefix = Prefix(type, ns);
        long revision;
        string? after = null;
        if (string.IsNullOrEmpty(options.Continue))
        {
            revision = _log.CurrentRevision;
        }
        else
        {
            (revision, after) = DecodeContinue(options.Continue, prefix);
        }

        var limit = options.Limit is > 0 and var l ? l : int.MaxValue;
        var chunk = filter.IsEverything ? (int)Math.Min((long)limit + 1, ReadPage) : ReadPage;
        var items = new List<JsonObject>(Math.Min(limit, 256));
        string? lastKey = null;
        var more = false;
        try
        {
            while (!more)
            {
                ct.ThrowIfCancellationRequested();
                var rows = _log.Backend.List(prefix, revision, after, chunk);
                foreach (var row in rows)
                {
                    after = row.Key;
                    var obj = Materialize(row.Value, row.Revision);
                    if (!filter.Matches(obj))
                    {
                        continue;
                    }

                    if (items.Count == limit)
                    {
                        more = true;
                        break;
                    }

                    items.Add(obj);
                    lastKey = row.Key;
                }

                if (rows.Count < chunk)
                {
                    break;
                }
            }
        }
        catch (StoreException e) when (e.Reason == StoreErrorReason.Expired && !string.IsNullOrEmpty(options.Continue))
        {
            throw new StoreException(
                StoreErrorReason.Expired,
                "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
        }

        string? token = null;
        long? remaining = null;
        if (more)
        {
            token = EncodeContinue(revision, lastKey!);
            if (filter.IsEverything)
            {
                remaining = _log.Backend.Count(prefix, revision, lastKey);
            }
        }

        return Task.FromResult(new ListResult(items, revision, token, remaining));
    }

    public IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? ns, WatchOptions options, CancellationToken ct)
    {
        // Arguments are checked here, before the first MoveNext, so a caller can answer a bad request before it
        // commits to a stream.
        var filter = ObjectFilter.Create(type, options.LabelSelector, options.FieldSelector);
        var prefix = Prefix(type, ns);
        var from = options.ResourceVersion is null or "" or "0" ? (long?)null : ParseRv(options.ResourceVersion);
        return WatchCoreAsync(type, filter, prefix, from, options.AllowBookmarks, ct);
    }

    private async IAsyncEnumerable<WatchEvent> WatchCoreAsync(
        ResourceType type, ObjectFilter filter, string prefix, long? from, bool allowBookmarks, [EnumeratorCancellation] CancellationToken ct)
    {

        // Subscribe first, then read what is already stored: every row is in the replay, the queue or both;
        // rows at or below the last one delivered are skipped, so each is delivered once, in order.
        using var subscription = _log.Subscribe(prefix, _options.WatchQueueCapacity);
        long last;
        if (from is null)
        {
            last = _log.CurrentRevision;
            string? after = null;
            while (!ct.IsCancellationRequested)
            {
                var rows = _log.Backend.List(prefix, last, after, ReadPage);
                foreach (var row in rows)
                {
                    after = row.Key;
                    var obj = Materialize(row.Value, row.Revision);
                    if (filter.Matches(obj))
                    {
                        yield return new WatchEvent(WatchEventType.Added, obj, row.Revision);
                    }
                }

                if (rows.Count < ReadPage)
                {
                    break;
                }
            }
        }
        else
        {
            last = from.Value;
            if (last < _log.CompactRevision)
            {
                throw new StoreException(StoreErrorReason.Expired, $"too old resource version: {last} ({_log.CompactRevision})");
            }

            while (!ct.IsCancellationRequested)
            {
                var rows = _log.Backend.ReadAfter(prefix, last, ReadPage);
                foreach (var row in rows)
                {
                    last = row.Revision;
                    if (ToEvent(row, filter) is { } e)
                    {
                        yield return e;
                    }
                }

                if (rows.Count < ReadPage)
                {
                    break;
                }
            }
        }

        using var bookmarks = allowBookmarks
            ? _time.CreateTimer(static s => ((LogSubscription)s!).RequestBookmark(), subscription, _options.BookmarkInterval, _options.BookmarkInterval)
            : null;
        var reader = subscription.Reader;
        while (await WaitToReadAsync(reader, ct))
        {
            while (reader.TryRead(out var row))
            {
                if (row.IsBookmarkTick)
                {
                    // Rows up to LastPublished were queued before it was set; an empty queue means all are handled.
                    var published = _log.Broadcaster.LastPublishedRevision;
                    if (reader.Count == 0 && published > last)
                    {
                        last = published;
                    }

                    yield return new WatchEvent(WatchEventType.Bookmark, BookmarkObject(type, last), last);
                    continue;
                }

                if (row.Revision <= last)
                {
                    continue;
                }

                last = row.Revision;
                if (ToEvent(row, filter) is { } e)
                {
                    yield return e;
                }
            }
        }

        if (subscription.Overflowed && !ct.IsCancellationRequested)
        {
            yield return new WatchEvent(WatchEventType.Error, ExpiredStatus(last), last);
        }
    }

    private static async ValueTask<bool> WaitToReadAsync(ChannelReader<LogRow> reader, CancellationToken ct)
    {
        try
        {
            return await reader.WaitToReadAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// The event a row gives a watcher with this filter. With a selector, an update that makes the object match is
    /// ADDED and one that makes it stop matching is DELETED (Kubernetes' watch semantics).
    /// </summary>
    private static WatchEvent? ToEvent(LogRow row, ObjectFilter filter)
    {
        var obj = Materialize(row.Value, row.Revision);
        if (row.Deleted)
        {
            return filter.Matches(obj) ? new WatchEvent(WatchEventType.Deleted, obj, row.Revision) : null;
        }

        if (filter.IsEverything)
        {
            return new WatchEvent(row.Created ? WatchEventType.Added : WatchEventType.Modified, obj, row.Revision);
        }

        var now = filter.Matches(obj);
        if (row.Created)
        {
            return now ? new WatchEvent(WatchEventType.Added, obj, row.Revision) : null;
        }

        var before = row.PrevValue is { } prev && filter.Matches(Parse(prev));
        return (before, now) switch
        {
            (true, true) => new WatchEvent(WatchEventType.Modified, obj, row.Revision),
            (false, true) => new WatchEvent(WatchEventType.Added, obj, row.Revision),
            (true, false) => new WatchEvent(WatchEventType.Deleted, obj, row.Revision),
            _ => null,
        };
    }

    private static JsonObject BookmarkObject(ResourceType type, long revision) => new()
    {
        ["kind"] = type.Kind,
        ["apiVersion"] = type.ApiVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) },
    };

    private static JsonObject ExpiredStatus(long revision) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = $"the watch fell too far behind after resource version {revision.ToString(CultureInfo.InvariantCulture)}; relist",
        ["reason"] = "Expired",
        ["code"] = 410,
    };

    /// <summary>Opaque to clients: base64 of {"rv":revision,"start":lastKey}.</summary>
    private static string EncodeContinue(long revision, string lastKey)
    {
        var json = new JsonObject { ["rv"] = revision, ["start"] = lastKey }.ToJsonString();
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    private static (long Revision, string After) DecodeContinue(string token, string prefix)
    {
        try
        {
            var obj = JsonNode.Parse(Convert.FromBase64String(token))!.AsObject();
            var revision = obj["rv"]!.GetValue<long>();
            var start = obj["start"]!.GetValue<string>();
            if (revision <= 0 || !start.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new FormatException("continue token does not belong to this list");
            }

            return (revision, start);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or NullReferenceException or KeyNotFoundException)
        {
            throw new StoreException(StoreErrorReason.BadRequest, "invalid continue token");
        }
    }
}
