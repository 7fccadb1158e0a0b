namespace Podvisor.Model.Serialization;

/// <summary>A decoded object and the warnings field validation produced (empty unless mode is Warn).</summary>
public sealed record DecodeResult<T>(T Object, IReadOnlyList<string> Warnings);
