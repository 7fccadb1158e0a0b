using Podvisor.Model.Meta;

namespace Podvisor.Model.Validation;

/// <summary>Turns a list of <see cref="FieldError"/> into what the apiserver returns for 422 Invalid.</summary>
public static class ValidationErrors
{
    /// <summary>
    /// <c>Pod "x" is invalid: [err1, err2]</c>: identical messages collapse into one; a single message stands
    /// without brackets (apimachinery's aggregate). <paramref name="qualifiedKind"/> is Kind, or Kind.group for
    /// named groups (<c>Deployment.apps</c>), see <see cref="QualifiedKind"/>.
    /// </summary>
    public static string Summary(string qualifiedKind, string? name, IReadOnlyList<FieldError> errors)
    {
        var messages = errors.Select(e => e.ToString()).Distinct(StringComparer.Ordinal).ToList();
        var aggregate = messages.Count switch
        {
            0 => "<nil>",
            1 => messages[0],
            _ => "[" + string.Join(", ", messages) + "]",
        };
        return $"{qualifiedKind} {GoFormat.Quote(name ?? "")} is invalid: {aggregate}";
    }

    /// <summary>GroupKind.String(): the kind alone for the core group, else Kind.group.</summary>
    public static string QualifiedKind(string? group, string kind) =>
        string.IsNullOrEmpty(group) ? kind : kind + "." + group;

    /// <summary>One cause per error (not de-duplicated), as Status.details.causes.</summary>
    public static IReadOnlyList<StatusCause> ToCauses(IReadOnlyList<FieldError> errors) =>
        errors.Select(e => new StatusCause { Reason = e.Type, Message = e.Body, Field = e.Field }).ToList();

    /// <summary>The complete 422 Status body, as errors.NewInvalid builds it.</summary>
    public static Status ToStatus(string? group, string kind, string? name, IReadOnlyList<FieldError> errors) => new()
    {
        StatusValue = "Failure",
        Code = 422,
        Reason = "Invalid",
        Message = Summary(QualifiedKind(group, kind), name, errors),
        Details = new StatusDetails
        {
            Group = string.IsNullOrEmpty(group) ? null : group,
            Kind = kind,
            Name = name,
            Causes = ToCauses(errors),
        },
    };
}
