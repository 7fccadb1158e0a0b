namespace Podvisor.Api.Tests.Kubectl;

/// <summary>A fresh API server per test, and the real kubectl pointed at it.</summary>
public abstract class KubectlTestBase : IAsyncLifetime
{
    private protected TestServer _s = null!;
    private protected Kubectl _k = null!;

    public async Task InitializeAsync()
    {
        _s = await TestServer.StartAsync();
        _k = new Kubectl(_s);
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();
}
