namespace Podvisor.Model.Serialization;

/// <summary>
/// The fieldValidation query parameter: what decoding does with fields the type does not have and with keys
/// repeated in one object.
/// </summary>
public enum FieldValidation
{
    /// <summary>Drop them silently (the typed object simply lacks them).</summary>
    Ignore,

    /// <summary>Drop them and return one warning per field: unknown field "spec.foo", duplicate field "x".</summary>
    Warn,

    /// <summary>Fail with all of them at once: strict decoding error: unknown field "spec.foo", ...</summary>
    Strict,
}
