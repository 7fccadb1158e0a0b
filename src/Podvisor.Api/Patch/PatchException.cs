namespace Podvisor.Api.Patch;

/// <summary>A well-formed patch that cannot be applied to the object (HTTP 422), e.g. a failed JSON Patch test.</summary>
public sealed class PatchException(string message) : Exception(message);
