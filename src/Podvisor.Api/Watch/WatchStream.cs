using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podvisor.Api.Endpoints;
using Podvisor.Api.Resources;
using Podvisor.Api.Tables;
using Podvisor.Store;

namespace Podvisor.Api.Watch;

/// <summary>
/// Serves <c>?watch=true</c>: a chunked stream of newline-delimited <c>{"type","object"}</c> events, flushed one by one.
/// Ends cleanly on timeoutSeconds, on server stop and on client disconnect. With a Table Accept every event object is a
/// one-row Table (columns only in the first). An expired resourceVersion becomes an ERROR event carrying a 410 Status.
/// </summary>
internal static class WatchStream
{
    public static async Task ServeAsync(ApiContext api, HttpContext http, ResourcePath p, CancellationToken ct)
    {
        var s = p.Strategy;
        var q = http.Request.Query;
        var list = ReadEndpoints.ListOptionsFrom(http);
        var options = new WatchOptions
        {
            ResourceVersion = ReadEndpoints.NullIfEmpty(q["resourceVersion"].ToString()),
            LabelSelector = list.LabelSelector,
            FieldSelector = p.Name is null ? list.FieldSelector : Combine(list.FieldSelector, $"metadata.name={p.Name}"),
            AllowBookmarks = q["allowWatchBookmarks"].ToString() is "true" or "1",
        };

        TimeSpan? timeout = null;
        if (q["timeoutSeconds"].ToString() is { Length: > 0 } t)
        {
            timeout = long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
                ? TimeSpan.FromSeconds(seconds)
                : throw ApiError.BadRequest($"invalid timeoutSeconds: {t}");
        }

        using var timeoutCts = timeout is { } d ? new CancellationTokenSource(d, api.Time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, api.Stopping, timeoutCts.Token);
        var table = Responses.WantsTable(http);
        var firstTableEvent = true;

        IAsyncEnumerable<WatchEvent> watch;
        try
        {
            watch = api.Store.WatchAsync(s.Type, p.Namespace, options, linked.Token);
        }
        catch (StoreException ex)
        {
            throw StoreCalls.Map(ex, s, p.Name);
        }

        // The watch is established: commit the 200 and flush the headers now, as the apiserver does, so a client of a
        // quiet resource (kubectl get -w, wait) knows it is watching before the first event.
        try
        {
            await StartAsync(http, table, linked.Token);
            await using var events = watch.GetAsyncEnumerator(linked.Token);
            while (true)
            {
                WatchEvent e;
                try
                {
                    if (!await events.MoveNextAsync())
                    {
                        break;
                    }

                    e = events.Current;
                }
                catch (StoreException ex) when (ex.Reason == StoreErrorReason.Expired)
                {
                    var gone = ApiError.Gone(ex.Message).ToStatus();
                    await WriteEventAsync(http, "ERROR", w => gone.WriteTo(w), linked.Token);
                    return;
                }

                var (type, write) = Render(s, e, table && e.Type is not (WatchEventType.Bookmark or WatchEventType.Error), ref firstTableEvent, api.Time.GetUtcNow());
                await WriteEventAsync(http, type, write, linked.Token);
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // timeoutSeconds, server stop or client gone: end the chunked stream cleanly.
        }
    }

    /// <summary>The event's type and how to write its object (the stored object as it is: watchers share it).</summary>
    private static (string Type, Action<Utf8JsonWriter> Write) Render(ResourceStrategy s, WatchEvent e, bool table, ref bool first, DateTimeOffset now)
    {
        var type = e.Type switch
        {
            WatchEventType.Added => "ADDED",
            WatchEventType.Modified => "MODIFIED",
            WatchEventType.Deleted => "DELETED",
            WatchEventType.Bookmark => "BOOKMARK",
            _ => "ERROR",
        };

        if (e.Type == WatchEventType.Bookmark)
        {
            var bookmark = new JsonObject
            {
                ["kind"] = s.Type.Kind,
                ["apiVersion"] = s.Type.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = e.ResourceVersion.ToString(CultureInfo.InvariantCulture) },
            };
            return (type, w => bookmark.WriteTo(w));
        }

        if (e.Type == WatchEventType.Error)
        {
            return (type, w => e.Object.WriteTo(w));
        }

        if (!table)
        {
            return (type, w => Objects.WriteWithTypeMeta(w, s, e.Object));
        }

        var rv = e.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        var columns = first;
        first = false;
        return (type, w => TableWriter.Write(w, s.Table, [e.Object], rv, null, columns, now));
    }

    private static async Task StartAsync(HttpContext http, bool table, CancellationToken ct)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = table ? TableWriter.ContentType : Responses.Json;
        http.Response.Headers.CacheControl = "no-cache, private";
        await http.Response.StartAsync(ct);
        await http.Response.Body.FlushAsync(ct);
    }

    /// <summary>Writes one event line into the response's pipe and sends it.</summary>
    private static async Task WriteEventAsync(HttpContext http, string type, Action<Utf8JsonWriter> writeObject, CancellationToken ct)
    {
        var output = http.Response.BodyWriter;
        using (var writer = new Utf8JsonWriter(output, Responses.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            writeObject(writer);
            writer.WriteEndObject();
        }

        output.Write("\n"u8);
        await output.FlushAsync(ct);
    }

    private static string Combine(string? a, string b) => string.IsNullOrEmpty(a) ? b : $"{a},{b}";
}
