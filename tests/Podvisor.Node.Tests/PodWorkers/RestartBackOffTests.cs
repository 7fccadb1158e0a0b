using Podvisor.Node.PodWorkers;
using Podvisor.Testing;

namespace Podvisor.Node.Tests.PodWorkers;

public sealed class RestartBackOffTests
{
    [Fact]
    public void BackOff_DoublesFromTenSecondsToCap_AndFirstRestartIsImmediate()
    {
        var time = new FakeTimeProvider();
        var backOff = new ExponentialRestartBackOff();
        var seen = new List<double>();
        for (var i = 0; i < 8; i++)
        {
            var finished = time.GetUtcNow();
            if (backOff.IsInBackOff("k", finished, time.GetUtcNow(), out var d, out var remaining))
            {
                seen.Add(d.TotalSeconds);
                time.Advance(remaining);
                Assert.False(backOff.IsInBackOff("k", finished, time.GetUtcNow(), out _, out _));
            }
            else
            {
                seen.Add(0);
            }

            backOff.Next("k", finished);
        }

        Assert.Equal([0, 10, 20, 40, 80, 160, 300, 300], seen);
    }

    [Fact]
    public void BackOff_ExpiresAfterTwiceTheCap()
    {
        var time = new FakeTimeProvider();
        var backOff = new ExponentialRestartBackOff();
        backOff.Next("k", time.GetUtcNow());
        backOff.Next("k", time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(601));

        Assert.False(backOff.IsInBackOff("k", time.GetUtcNow(), time.GetUtcNow(), out _, out _));
    }

    [Fact]
    public void BackOff_KeysAreIndependent()
    {
        var time = new FakeTimeProvider();
        var backOff = new ExponentialRestartBackOff();
        backOff.Next("a", time.GetUtcNow());

        Assert.True(backOff.IsInBackOff("a", time.GetUtcNow(), time.GetUtcNow(), out _, out _));
        Assert.False(backOff.IsInBackOff("b", time.GetUtcNow(), time.GetUtcNow(), out _, out _));
    }
}
