using Microsoft.Extensions.DependencyInjection;
using Podvisor.Runtime.Process;

namespace Podvisor.Runtime.Tests.Process;

public sealed class ProcessRuntimeServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddProcessRuntime_Resolved_OneProcessRuntimeOverTheStateDirectory()
    {
        var root = Path.Combine(Path.GetTempPath(), "podvisor-di-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var provider = new ServiceCollection()
                .AddLogging()
                .AddProcessRuntime(new ProcessRuntimeOptions { StateDirectory = root })
                .BuildServiceProvider())
            {
                var runtime = provider.GetRequiredService<IContainerRuntime>();

                Assert.Equal("process", runtime.Name);
                Assert.Same(provider.GetRequiredService<ProcessRuntime>(), runtime);
                Assert.True(Directory.Exists(Path.Combine(root, "containers")));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AddProcessRuntime_InvalidOptions_FailsAtRegistration() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection()
            .AddProcessRuntime(new ProcessRuntimeOptions { StateDirectory = "/tmp/x", LogMaxFiles = 0 }));
}
