using System.Text.Json.Nodes;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Tables;

/// <summary>NAME AGE, the default for kinds without their own printer.</summary>
public sealed class GenericTable : ITableConverter
{
    public static GenericTable Instance { get; } = new();

    public IReadOnlyList<TableColumn> Columns { get; } = [Col.Name, Col.Age];

    public JsonNode?[] Cells(JsonObject obj, DateTimeOffset now) => [Col.NameOf(obj), Col.AgeOf(obj, now)];
}

/// <summary>Column definitions and cells shared by the per-kind printers.</summary>
internal static class Col
{
    public static readonly TableColumn Name = new(
        "Name", "string", "name",
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names");

    public static readonly TableColumn Age = new(
        "Age", "string", "",
        "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");

    public static TableColumn Str(string name, string description, int priority = 0) => new(name, "string", "", description, priority);

    public static TableColumn Int(string name, string description, int priority = 0) => new(name, "integer", "", description, priority);

    public static string NameOf(JsonObject obj) => Json.Str(obj, "metadata", "name") ?? "";

    public static string AgeOf(JsonObject obj, DateTimeOffset now) =>
        HumanDuration.Since(Json.Time(obj, "metadata", "creationTimestamp"), now);

    public static string OrNone(string? s) => string.IsNullOrEmpty(s) ? "<none>" : s;
}
