namespace Podvisor.Model.Serialization;

/// <summary>
/// A manifest (YAML or JSON) that cannot be turned into JSON objects: a syntax error, invalid UTF-8, a limit of
/// <see cref="ManifestLimits"/> exceeded, or a document that is not an object. The message names the position.
/// </summary>
public sealed class ManifestException : FormatException
{
    public ManifestException(string message, long? line = null, long? column = null, int? document = null)
        : base(message)
    {
        Line = line;
        Column = column;
        Document = document;
    }

    /// <summary>1-based line of the error, when known.</summary>
    public long? Line { get; }

    /// <summary>1-based column of the error, when known.</summary>
    public long? Column { get; }

    /// <summary>0-based index of the document in a multi-document stream, when known.</summary>
    public int? Document { get; }
}
