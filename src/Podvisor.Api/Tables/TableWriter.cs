using System.Text.Json.Nodes;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Tables;

/// <summary>Builds meta.k8s.io/v1 Table objects; rows carry PartialObjectMetadata (includeObject=Metadata).</summary>
internal static class TableWriter
{
    public const string ContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    public static JsonObject Build(ITableConverter converter, IEnumerable<JsonObject> objects, string? resourceVersion, string? continueToken, bool includeColumns, DateTimeOffset now)
    {
        var meta = new JsonObject();
        if (resourceVersion is not null)
        {
            meta["resourceVersion"] = resourceVersion;
        }

        if (!string.IsNullOrEmpty(continueToken))
        {
            meta["continue"] = continueToken;
        }

        var columns = new JsonArray();
        if (includeColumns)
        {
            foreach (var c in converter.Columns)
            {
                columns.Add((JsonNode)new JsonObject
                {
                    ["name"] = c.Name,
                    ["type"] = c.Type,
                    ["format"] = c.Format,
                    ["description"] = c.Description,
                    ["priority"] = c.Priority,
                });
            }
        }

        var rows = new JsonArray();
        foreach (var o in objects)
        {
            rows.Add((JsonNode)new JsonObject
            {
                ["cells"] = new JsonArray(converter.Cells(o, now)),
                ["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = Json.Meta(o)?.DeepClone() ?? new JsonObject(),
                },
            });
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = meta,
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }
}
