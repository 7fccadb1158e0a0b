using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Node.Restart;
using Podvisor.Testing;

namespace Podvisor.Node.Tests.Restart;

/// <summary>Restart back-off on fake time (SPEC §1.9, §8.3).</summary>
public sealed class CrashLoopBackOffTests
{
    private static readonly Pod Pod = new()
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "default", Uid = "u-1" },
        Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "busybox:1" }] },
    };

    /// <summary>
    /// A container that exits immediately every time: the pod worker checks the back-off against the last
    /// finishedAt and restarts as soon as it allows. Returns the delays between exit and restart.
    /// </summary>
    private static List<double> CrashLoop(FakeTimeProvider time, CrashLoopBackOff backOff, string key, int restarts)
    {
        var delays = new List<double>();
        for (var i = 0; i < restarts; i++)
        {
            var finishedAt = time.GetUtcNow();
            while (backOff.ShouldDelayRestart(key, finishedAt, out _, out var remaining))
            {
                time.Advance(remaining);
            }

            delays.Add((time.GetUtcNow() - finishedAt).TotalSeconds);
        }

        return delays;
    }

    [Fact]
    public void CrashLoop_ImmediateExits_DelaysFollowTheKubeletSequence()
    {
        var time = new FakeTimeProvider();
        var backOff = new CrashLoopBackOff(time);

        var delays = CrashLoop(time, backOff, CrashLoopBackOff.Key(Pod, Pod.Spec!.Containers[0]), 8);

        Assert.Equal([0, 10, 20, 40, 80, 160, 300, 300], delays);
    }

    [Fact]
    public void IsInBackOff_MeasuredFromFinishedAt_ReportsRemaining()
    {
        var time = new FakeTimeProvider();
        var backOff = new CrashLoopBackOff(time);
        var finishedAt = time.GetUtcNow();
        backOff.Next("k", finishedAt);
        time.Advance(TimeSpan.FromSeconds(3));

        Assert.True(backOff.IsInBackOff("k", finishedAt, out var remaining));
        Assert.Equal(TimeSpan.FromSeconds(7), remaining);
        Assert.False(backOff.IsInBackOff("k", finishedAt - TimeSpan.FromSeconds(10), out _));
        Assert.False(backOff.IsInBackOffSince("unknown", finishedAt));
    }

    [Theory]
    [InlineData(600, 20, true)] // exactly 2×cap since the last update: not expired, still in back-off from finishedAt
    [InlineData(601, 10, false)] // ran longer than 10 minutes: the next crash counts as the first
    public void Next_AfterLongRun_ResetsOnlyBeyondTwiceTheCap(int ranSeconds, int expected, bool inBackOff)
    {
        var time = new FakeTimeProvider();
        var backOff = new CrashLoopBackOff(time);
        backOff.Next("k", time.GetUtcNow()); // 10 s, last update now

        time.Advance(TimeSpan.FromSeconds(ranSeconds));
        var finishedAt = time.GetUtcNow();

        Assert.Equal(inBackOff, backOff.IsInBackOffSince("k", finishedAt));
        backOff.Next("k", finishedAt);
        Assert.Equal(TimeSpan.FromSeconds(expected), backOff.Get("k"));
    }

    [Fact]
    public void CrashLoop_AfterTenMinutesOfRunning_StartsOverAtFirstRestart()
    {
        var time = new FakeTimeProvider();
        var backOff = new CrashLoopBackOff(time);
        var key = CrashLoopBackOff.Key(Pod, Pod.Spec!.Containers[0]);
        Assert.Equal([0, 10, 20, 40], CrashLoop(time, backOff, key, 4));

        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1)); // the container ran for 10 min 1 s

        Assert.Equal([0, 10, 20], CrashLoop(time, backOff, key, 3));
    }

    [Fact]
    public void Key_ChangedImage_StartsWithoutBackOff()
    {
        var time = new FakeTimeProvider();
        var backOff = new CrashLoopBackOff(time);
        var v1 = Pod.Spec!.Containers[0];
        var v2 = v1 with { Image = "busybox:2" };
        Assert.Equal([0, 10, 20, 40], CrashLoop(time, backOff, CrashLoopBackOff.Key(Pod, v1), 4));

        var keyV2 = CrashLoopBackOff.Key(Pod, v2);

        Assert.NotEqual(CrashLoopBackOff.Key(Pod, v1), keyV2);
        Assert.StartsWith("web_default_u-1_app_", keyV2, StringComparison.Ordinal);
        Assert.False(backOff.IsInBackOffSince(keyV2, time.GetUtcNow()));
        Assert.Equal([0, 10], CrashLoop(time, backOff, keyV2, 2));
    }

    [Fact]
    public void ContainerSpecHash_SameSpec_IsStable()
    {
        var a = new Container { Name = "app", Image = "nginx", Command = ["a", "b"] };
        var b = new Container { Name = "app", Image = "nginx", Command = ["a", "b"] };

        Assert.Equal(ContainerSpecHash.Compute(a), ContainerSpecHash.Compute(b));
        Assert.NotEqual(ContainerSpecHash.Compute(a), ContainerSpecHash.Compute(a with { Command = ["a"] }));
        Assert.Matches("^[0-9a-f]{1,8}$", ContainerSpecHash.Compute(a));
    }

    [Fact]
    public void GC_RemovesEntriesIdleForMoreThanTwiceTheCap()
    {
        var time = new FakeTimeProvider();
        var backOff = new CrashLoopBackOff(time);
        backOff.Next("old", time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(300));
        backOff.Next("recent", time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(301));

        backOff.GC();

        Assert.Equal(1, backOff.Count);
        Assert.Equal(TimeSpan.Zero, backOff.Get("old"));
        Assert.Equal(TimeSpan.FromSeconds(10), backOff.Get("recent"));
    }

    [Theory]
    [InlineData(10, "10s")]
    [InlineData(20, "20s")]
    [InlineData(160, "2m40s")]
    [InlineData(300, "5m0s")]
    [InlineData(3600, "1h0m0s")]
    [InlineData(1.5, "1.5s")]
    [InlineData(0.5, "500ms")]
    [InlineData(0, "0s")]
    public void GoDuration_FormatsLikeGo(double seconds, string expected)
    {
        Assert.Equal(expected, BackOffMessages.GoDuration(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Messages_MatchTheKubeletText()
    {
        Assert.Equal(
            "back-off 5m0s restarting failed container=app pod=web_default(u-1)",
            BackOffMessages.Waiting(TimeSpan.FromSeconds(300), "app", Pod));
        Assert.Equal(
            "Back-off restarting failed container app in pod web_default(u-1)",
            BackOffMessages.Event("app", Pod));
    }
}
