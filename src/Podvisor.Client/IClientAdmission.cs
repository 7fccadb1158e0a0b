using System.Text.Json.Nodes;
using Podvisor.Store;

namespace Podvisor.Client;

/// <summary>Which write an admission hook is looking at.</summary>
public enum AdmissionOperation
{
    Create,
    Update,
    UpdateStatus,
}

/// <summary>
/// Defaulting and validation applied by the in-process client before a write reaches the store, so objects written
/// by controllers and the node agent get the same treatment as those arriving through the API server. Plugged in at
/// composition; <see cref="NoAdmission"/> is the default. Implementations must be thread-safe.
/// </summary>
public interface IClientAdmission
{
    /// <summary>When true, updates pass the stored object as <c>old</c> to <see cref="Validate"/> (costs one read per update).</summary>
    bool NeedsOldObject => false;

    /// <summary>
    /// Returns the object with defaults filled in. May return <paramref name="obj"/> itself after changing it: the
    /// client hands every hook a private copy, never the caller's object.
    /// </summary>
    JsonObject Default(ResourceType type, AdmissionOperation operation, JsonObject obj);

    /// <summary>Throws <see cref="ApiException"/> (reason Invalid, code 422; see <see cref="ApiErrors.InvalidObject"/>) when the object must not be written.</summary>
    void Validate(ResourceType type, AdmissionOperation operation, JsonObject obj, JsonObject? old);
}

/// <summary>Admission that changes and rejects nothing.</summary>
public sealed class NoAdmission : IClientAdmission
{
    public static NoAdmission Instance { get; } = new();

    public JsonObject Default(ResourceType type, AdmissionOperation operation, JsonObject obj) => obj;

    public void Validate(ResourceType type, AdmissionOperation operation, JsonObject obj, JsonObject? old)
    {
    }
}
