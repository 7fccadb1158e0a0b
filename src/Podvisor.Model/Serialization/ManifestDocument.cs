using System.Text.Json.Nodes;

namespace Podvisor.Model.Serialization;

/// <summary>One document of a manifest stream.</summary>
/// <param name="Object">The document as JSON; for a repeated key the last value wins, as in Kubernetes.</param>
/// <param name="DuplicateFields">Paths of keys that appeared more than once (e.g. "metadata.name"), in order.</param>
/// <param name="Line">1-based line where the document starts.</param>
public sealed record ManifestDocument(JsonObject Object, IReadOnlyList<string> DuplicateFields, long Line);
