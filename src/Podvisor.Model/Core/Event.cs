using System.Text.Json.Serialization;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Core;

/// <summary>core/v1 Event: what kubectl describe shows. Repeats are aggregated with count and lastTimestamp.</summary>
public sealed record Event : IKubernetesObject
{
    public const string KindName = "Event";

    public string? Kind { get; init; } = KindName;

    public string? ApiVersion { get; init; } = "v1";

    public ObjectMeta Metadata { get; init; } = new();

    public ObjectReference InvolvedObject { get; init; } = new();

    public string? Reason { get; init; }

    public string? Message { get; init; }

    public EventSource? Source { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? FirstTimestamp { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? LastTimestamp { get; init; }

    public int? Count { get; init; }

    /// <summary>Normal or Warning.</summary>
    public string? Type { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonConverter(typeof(NullableMicroTimeJsonConverter))]
    public DateTimeOffset? EventTime { get; init; }

    public string? Action { get; init; }

    public string? ReportingComponent { get; init; }

    public string? ReportingInstance { get; init; }
}

public sealed record EventSource
{
    public string? Component { get; init; }

    public string? Host { get; init; }
}

internal sealed class NullableMicroTimeJsonConverter : JsonConverter<DateTimeOffset?>
{
    private static readonly MicroTimeJsonConverter Inner = new();

    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        reader.TokenType == System.Text.Json.JsonTokenType.Null ? null : Inner.Read(ref reader, typeof(DateTimeOffset), options);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateTimeOffset? value, System.Text.Json.JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            Inner.Write(writer, v, options);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
