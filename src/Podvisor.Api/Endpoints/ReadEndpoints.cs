using System.Globalization;
using Microsoft.AspNetCore.Http;
using Podvisor.Api.Tables;
using Podvisor.Store;

namespace Podvisor.Api.Endpoints;

/// <summary>GET of one object and LIST of a collection, as plain JSON or as a Table.</summary>
internal static class ReadEndpoints
{
    public static async Task GetAsync(ApiContext api, HttpContext http, ResourcePath p, CancellationToken ct)
    {
        var s = p.Strategy;
        var obj = await StoreCalls.Run(s, p.Name, () => api.Store.GetAsync(s.Type, p.Namespace, p.Name!, ct))
            ?? throw ApiError.NotFound(s, p.Name!);
        if (Responses.WantsTable(http))
        {
            var now = api.Time.GetUtcNow();
            await Responses.WriteAsync(http, 200, w => TableWriter.Write(w, s.Table, [obj], null, null, includeColumns: true, now), TableWriter.ContentType);
            return;
        }

        await Responses.WriteAsync(http, 200, w => Objects.WriteWithTypeMeta(w, s, obj));
    }

    public static async Task ListAsync(ApiContext api, HttpContext http, ResourcePath p, CancellationToken ct)
    {
        var s = p.Strategy;
        var result = await StoreCalls.Run(s, null, () => api.Store.ListAsync(s.Type, p.Namespace, ListOptionsFrom(http), ct));
        var rv = result.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        if (Responses.WantsTable(http))
        {
            var now = api.Time.GetUtcNow();
            await Responses.StreamAsync(http, 200, w => TableWriter.Write(w, s.Table, result.Items, rv, result.Continue, includeColumns: true, now), TableWriter.ContentType);
            return;
        }

        await Responses.StreamAsync(http, 200, w => Objects.WriteList(w, s, result.Items, rv, result.Continue, result.RemainingItemCount));
    }

    public static ListOptions ListOptionsFrom(HttpContext http)
    {
        var q = http.Request.Query;
        int? limit = null;
        if (q["limit"].ToString() is { Length: > 0 } l)
        {
            limit = int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
                ? (n == 0 ? null : n)
                : throw ApiError.BadRequest($"invalid limit: {l}");
        }

        return new ListOptions
        {
            LabelSelector = NullIfEmpty(q["labelSelector"].ToString()),
            FieldSelector = NullIfEmpty(q["fieldSelector"].ToString()),
            Limit = limit,
            Continue = NullIfEmpty(q["continue"].ToString()),
        };
    }

    public static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
