using System.Text.Json.Nodes;
using Podvisor.Api.Endpoints;
using Podvisor.Model.Defaulting;
using Podvisor.Model.Meta;
using Podvisor.Model.Serialization;
using Podvisor.Model.Validation;

namespace Podvisor.Api.Resources;

/// <summary>
/// The typed model's admission for one kind: the body is decoded into its record (so, as in the apiserver, fields
/// the type does not have are dropped from what is stored), defaulted, written back as JSON and validated with
/// Kubernetes' rules and messages. Stateless and thread-safe.
/// </summary>
internal static class ModelAdmission
{
    /// <summary>Admission for a kind the model types, or null for one it does not (e.g. Lease).</summary>
    public static IAdmission? For(string apiVersion, string kind) =>
        KubeDecoder.TypeFor(apiVersion, kind) is { } type && typeof(IKubernetesObject).IsAssignableFrom(type)
            ? (IAdmission)Activator.CreateInstance(typeof(ModelAdmission<>).MakeGenericType(type))!
            : null;
}

/// <summary>Model admission for one record type; see <see cref="ModelAdmission"/>.</summary>
internal sealed class ModelAdmission<T> : IAdmission
    where T : class, IKubernetesObject
{
    public (JsonObject Defaulted, IReadOnlyList<Resources.FieldError> Errors) Admit(JsonObject obj, JsonObject? old)
    {
        var defaulted = (T)Defaulter.Default(Decode(obj));
        var errors = Validator.Validate(defaulted, old is null ? null : Decode(old));
        return (KubeJson.ToNode(defaulted), [.. errors.Select(e => new Resources.FieldError(e.Type, e.Field, e.Body))]);
    }

    public IReadOnlyList<string> UnknownFields(JsonObject obj) => KubeDecoder.UnknownFields(typeof(T), obj);

    private static T Decode(JsonObject obj)
    {
        try
        {
            // Unknown fields were already handled per fieldValidation by the caller: drop them here.
            return KubeDecoder.Decode<T>(obj, FieldValidation.Ignore).Object;
        }
        catch (KubeDecodeException e)
        {
            throw ApiError.BadRequest(e.Message);
        }
    }
}
