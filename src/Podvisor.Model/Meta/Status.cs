using System.Text.Json.Serialization;
using System.Text.Json.Nodes;

namespace Podvisor.Model.Meta;

/// <summary>meta/v1 Status: the body of every error response.</summary>
public sealed record Status : IKubernetesObject
{
    private static readonly ObjectMeta EmptyObjectMeta = new();

    public string? Kind { get; init; } = "Status";

    public string? ApiVersion { get; init; } = "v1";

    /// <summary>Kubernetes gives Status a ListMeta, normally empty: "metadata": {}.</summary>
    public ListMeta Metadata { get; init; } = new();

    ObjectMeta IKubernetesObject.Metadata => EmptyObjectMeta;

    /// <summary>"Success" or "Failure".</summary>
    [JsonPropertyName("status")]
    public string? StatusValue { get; init; }

    public string? Message { get; init; }

    public string? Reason { get; init; }

    public StatusDetails? Details { get; init; }

    public int? Code { get; init; }
}

public sealed record StatusDetails
{
    public string? Name { get; init; }

    public string? Group { get; init; }

    public string? Kind { get; init; }

    public string? Uid { get; init; }

    public IReadOnlyList<StatusCause>? Causes { get; init; }

    public int? RetryAfterSeconds { get; init; }
}

public sealed record StatusCause
{
    /// <summary>e.g. FieldValueInvalid, FieldValueRequired, FieldValueDuplicate, FieldValueNotSupported.</summary>
    public string? Reason { get; init; }

    public string? Message { get; init; }

    public string? Field { get; init; }
}

/// <summary>meta/v1 WatchEvent: ADDED, MODIFIED, DELETED, BOOKMARK, ERROR.</summary>
public sealed record WatchEvent
{
    public required string Type { get; init; }

    public required JsonObject Object { get; init; }
}

/// <summary>meta/v1 DeleteOptions.</summary>
public sealed record DeleteOptions
{
    public string? Kind { get; init; }

    public string? ApiVersion { get; init; }

    public long? GracePeriodSeconds { get; init; }

    public Preconditions? Preconditions { get; init; }

    public bool? OrphanDependents { get; init; }

    /// <summary>Orphan, Background or Foreground.</summary>
    public string? PropagationPolicy { get; init; }

    public IReadOnlyList<string>? DryRun { get; init; }
}

public sealed record Preconditions
{
    public string? Uid { get; init; }

    public string? ResourceVersion { get; init; }
}

/// <summary>meta/v1 LabelSelector.</summary>
public sealed record LabelSelector
{
    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }

    public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }
}

public sealed record LabelSelectorRequirement
{
    public required string Key { get; init; }

    /// <summary>In, NotIn, Exists, DoesNotExist.</summary>
    public required string Operator { get; init; }

    public IReadOnlyList<string>? Values { get; init; }
}

/// <summary>meta/v1 Table, the server-side rendering kubectl get asks for.</summary>
public sealed record Table
{
    public string Kind { get; init; } = "Table";

    public string ApiVersion { get; init; } = "meta.k8s.io/v1";

    public ListMeta Metadata { get; init; } = new();

    public IReadOnlyList<TableColumnDefinition> ColumnDefinitions { get; init; } = [];

    public IReadOnlyList<TableRow> Rows { get; init; } = [];
}

public sealed record TableColumnDefinition
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public string Format { get; init; } = "";

    public string Description { get; init; } = "";

    public int Priority { get; init; }
}

public sealed record TableRow
{
    /// <summary>Strings, integers or booleans, already formatted as kubectl shows them.</summary>
    public required IReadOnlyList<JsonNode?> Cells { get; init; }

    public JsonObject? Object { get; init; }
}
