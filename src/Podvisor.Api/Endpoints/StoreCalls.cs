using Podvisor.Api.Resources;
using Podvisor.Store;

namespace Podvisor.Api.Endpoints;

/// <summary>Translates store failures into Kubernetes Status errors named after the resource.</summary>
internal static class StoreCalls
{
    public const string Modified = "the object has been modified; please apply your changes to the latest version and try again";

    public static async Task<T> Run<T>(ResourceStrategy s, string? name, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StoreException e)
        {
            throw Map(e, s, name);
        }
    }

    public static ApiError Map(StoreException e, ResourceStrategy s, string? name) => e.Reason switch
    {
        StoreErrorReason.NotFound => ApiError.NotFound(s, name ?? ""),
        StoreErrorReason.AlreadyExists => ApiError.AlreadyExists(s, name ?? ""),
        StoreErrorReason.Conflict => ApiError.Conflict(s, name ?? "",
            e.Message.Contains("recondition", StringComparison.Ordinal) ? e.Message : Modified),
        StoreErrorReason.Expired => ApiError.Gone(e.Message),
        StoreErrorReason.Invalid => new ApiError(422, "Invalid", e.Message),
        _ => ApiError.BadRequest(e.Message),
    };
}
