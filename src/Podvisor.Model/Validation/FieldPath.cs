using System.Globalization;

namespace Podvisor.Model.Validation;

/// <summary>A field path as apimachinery's field.Path renders it: <c>spec.containers[0].ports[1].containerPort</c>.</summary>
internal sealed class FieldPath
{
    private readonly string _text;

    private FieldPath(string text) => _text = text;

    public static FieldPath Root(string name) => new(name);

    public FieldPath Child(string name) => new(_text.Length == 0 ? name : _text + "." + name);

    public FieldPath Child(string name, params string[] more)
    {
        var p = Child(name);
        foreach (var m in more)
        {
            p = p.Child(m);
        }

        return p;
    }

    public FieldPath Index(int index) => new(_text + "[" + index.ToString(CultureInfo.InvariantCulture) + "]");

    public FieldPath Key(string key) => new(_text + "[" + key + "]");

    public override string ToString() => _text;

    public FieldError Required(string detail = "") => new(_text, FieldErrorType.Required, "", detail);

    public FieldError Invalid(object? value, string detail) => new(_text, FieldErrorType.Invalid, value, detail);

    public FieldError Duplicate(object? value) => new(_text, FieldErrorType.Duplicate, value, "");

    public FieldError NotFound(object? value) => new(_text, FieldErrorType.NotFound, value, "");

    public FieldError Forbidden(string detail) => new(_text, FieldErrorType.Forbidden, "", detail);

    public FieldError TooLong(object? value, int maxLength) =>
        new(_text, FieldErrorType.TooLong, value, maxLength == 1 ? "may not be more than 1 byte" : $"may not be more than {maxLength.ToString(CultureInfo.InvariantCulture)} bytes");

    public FieldError TooMany(int actual, int max) =>
        new(_text, FieldErrorType.TooMany, actual, $"must have at most {max.ToString(CultureInfo.InvariantCulture)} items");

    /// <summary>Unsupported value; the supported values are listed quoted, in the order given (Kubernetes' order).</summary>
    public FieldError NotSupported(object? value, params string[] supported) =>
        new(_text, FieldErrorType.NotSupported, value,
            supported.Length == 0 ? "" : "supported values: " + string.Join(", ", supported.Select(GoFormat.Quote)));
}
