namespace Podvisor.Model.Serialization;

/// <summary>Why a JSON object could not become a typed API object.</summary>
public enum DecodeFailure
{
    /// <summary>A value has the wrong JSON type or cannot be read (string for an integer, bad base64, bad time).</summary>
    InvalidValue,

    /// <summary>Strict field validation found unknown or repeated fields.</summary>
    StrictDecoding,

    /// <summary>apiVersion or kind is missing or not a string.</summary>
    MissingTypeMeta,

    /// <summary>No type is registered for the apiVersion and kind.</summary>
    UnknownKind,
}

/// <summary>
/// A JSON object that does not decode as its API type. The message is what the API server returns in a 400
/// Status, e.g. <c>Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"</c>.
/// </summary>
public sealed class KubeDecodeException : FormatException
{
    public KubeDecodeException(DecodeFailure failure, string message, IReadOnlyList<string> causes)
        : base(message)
    {
        Failure = failure;
        Causes = causes;
    }

    public DecodeFailure Failure { get; }

    /// <summary>Each problem on its own, e.g. <c>unknown field "spec.foo"</c>; the message joins them.</summary>
    public IReadOnlyList<string> Causes { get; }
}
