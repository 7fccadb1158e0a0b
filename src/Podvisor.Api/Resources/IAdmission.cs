using System.Text.Json.Nodes;

namespace Podvisor.Api.Resources;

/// <summary>One validation failure, as a Kubernetes StatusCause (reason e.g. FieldValueRequired, FieldValueInvalid).</summary>
public sealed record FieldError(string Reason, string Field, string Message)
{
    public static FieldError Required(string field) => new("FieldValueRequired", field, "Required value");

    public static FieldError Invalid(string field, string value, string detail) =>
        new("FieldValueInvalid", field, $"Invalid value: \"{value}\": {detail}");
}

/// <summary>
/// Typed defaulting and validation for one kind, plugged in by the model. Works on the wire JSON so the API server
/// stays generic. Implementations never mutate their arguments.
/// </summary>
public interface IAdmission
{
    /// <summary>
    /// The object with defaults applied (a new object, or the same one when nothing changes) and its validation
    /// errors, empty when valid. <paramref name="old"/> is the stored object on update, else null. One call, so an
    /// implementation decodes the body once.
    /// </summary>
    (JsonObject Defaulted, IReadOnlyList<FieldError> Errors) Admit(JsonObject obj, JsonObject? old);

    /// <summary>
    /// Dotted paths of fields the schema does not know (e.g. "spec.foo"), for fieldValidation Strict/Warn.
    /// Empty when every field is known or when the implementation has no schema.
    /// </summary>
    IReadOnlyList<string> UnknownFields(JsonObject obj);
}

/// <summary>Accepts everything unchanged: the default until the typed model plugs in.</summary>
public sealed class NoAdmission : IAdmission
{
    public static NoAdmission Instance { get; } = new();

    public (JsonObject Defaulted, IReadOnlyList<FieldError> Errors) Admit(JsonObject obj, JsonObject? old) => (obj, []);

    public IReadOnlyList<string> UnknownFields(JsonObject obj) => [];
}
