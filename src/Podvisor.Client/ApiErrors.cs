using Podvisor.Store;

namespace Podvisor.Client;

/// <summary>Kubernetes Status reasons and codes, and the one mapping from store errors onto them.</summary>
public static class ApiErrors
{
    public const string NotFound = "NotFound";
    public const string AlreadyExists = "AlreadyExists";
    public const string Conflict = "Conflict";
    public const string Expired = "Expired";
    public const string Invalid = "Invalid";
    public const string BadRequest = "BadRequest";
    public const string InternalError = "InternalError";

    public static ApiException FromStore(StoreException e) => e.Reason switch
    {
        StoreErrorReason.NotFound => new ApiException(NotFound, 404, e.Message),
        StoreErrorReason.AlreadyExists => new ApiException(AlreadyExists, 409, e.Message),
        StoreErrorReason.Conflict => new ApiException(Conflict, 409, e.Message),
        StoreErrorReason.Expired => new ApiException(Expired, 410, e.Message),
        StoreErrorReason.Invalid => new ApiException(Invalid, 422, e.Message),
        StoreErrorReason.BadRequest => new ApiException(BadRequest, 400, e.Message),
        _ => new ApiException(InternalError, 500, e.Message),
    };

    /// <summary>The Kubernetes wording: <c>Pod "x" is invalid: spec.containers: Required value</c>.</summary>
    public static ApiException InvalidObject(string kind, string? name, IEnumerable<string> causes) =>
        new(Invalid, 422, $"{kind} \"{name}\" is invalid: {string.Join(", ", causes)}");

    public static ApiException ExpiredWatch(string message) => new(Expired, 410, message);

    public static bool IsExpired(this ApiException e) => e.Reason == Expired;
}
