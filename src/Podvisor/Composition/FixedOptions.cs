using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Podvisor.Composition;

/// <summary>Options that never change, for the console provider built without a service container.</summary>
internal sealed class FixedOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
