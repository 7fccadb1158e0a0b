using System.Text.Json;
using System.Text.Json.Nodes;
using Podvisor.Api.Endpoints;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Tables;

/// <summary>Builds meta.k8s.io/v1 Table objects; rows carry PartialObjectMetadata (includeObject=Metadata).</summary>
internal static class TableWriter
{
    public const string ContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    /// <summary>
    /// Writes a Table straight to <paramref name="writer"/>: each row's cells and its object's metadata (written as
    /// stored, not copied). Columns only when <paramref name="includeColumns"/> (a watch sends them in its first event).
    /// </summary>
    public static void Write(Utf8JsonWriter writer, ITableConverter converter, IEnumerable<JsonObject> objects, string? resourceVersion, string? continueToken, bool includeColumns, DateTimeOffset now)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "Table");
        writer.WriteString("apiVersion", "meta.k8s.io/v1");
        Objects.WriteListMeta(writer, resourceVersion, continueToken, remaining: null);
        writer.WriteStartArray("columnDefinitions");
        if (includeColumns)
        {
            foreach (var c in converter.Columns)
            {
                writer.WriteStartObject();
                writer.WriteString("name", c.Name);
                writer.WriteString("type", c.Type);
                writer.WriteString("format", c.Format);
                writer.WriteString("description", c.Description);
                writer.WriteNumber("priority", c.Priority);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
        writer.WriteStartArray("rows");
        foreach (var o in objects)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("cells");
            foreach (var cell in converter.Cells(o, now))
            {
                Objects.WriteValue(writer, cell);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("object");
            writer.WriteString("kind", "PartialObjectMetadata");
            writer.WriteString("apiVersion", "meta.k8s.io/v1");
            writer.WritePropertyName("metadata");
            if (Json.Meta(o) is { } meta)
            {
                meta.WriteTo(writer);
            }
            else
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
