using System.Text.Json.Nodes;

namespace Podvisor.Api.Tables;

/// <summary>One meta/v1 TableColumnDefinition. Priority 0 columns always show; priority 1 only with -o wide.</summary>
public sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority = 0);

/// <summary>Server-side printing of one kind, as the Kubernetes API server's printers do.</summary>
public interface ITableConverter
{
    IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>
    /// The row's cells, already formatted (strings, except integer columns); never throws on odd input. An array of
    /// nodes, not a JsonArray: a collection expression of strings into a JsonArray calls its generic, reflection-based Add,
    /// which the trimmed publish does not carry.
    /// </summary>
    JsonNode?[] Cells(JsonObject obj, DateTimeOffset now);
}
