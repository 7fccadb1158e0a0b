using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Podvisor.Runtime.Process;

public static class ProcessRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the process runtime as <see cref="IContainerRuntime"/>. It adopts surviving containers when first
    /// resolved; disposing the provider lets go of them without stopping them.
    /// </summary>
    public static IServiceCollection AddProcessRuntime(this IServiceCollection services, ProcessRuntimeOptions options)
    {
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<ProcessRuntime>();
        services.AddSingleton<IContainerRuntime>(sp => sp.GetRequiredService<ProcessRuntime>());
        return services;
    }
}
