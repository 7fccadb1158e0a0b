using Podvisor.Model.Core;
using Podvisor.Node.PodWorkers;
using Podvisor.Testing.Builders;

namespace Podvisor.Node.Tests.PodWorkers;

public sealed class GracePeriodsTests
{
    [Theory]
    [InlineData(null, null, null, 30)]
    [InlineData(10L, null, null, 10)]
    [InlineData(10L, 5L, null, 5)]
    [InlineData(10L, 5L, 3L, 3)]
    [InlineData(10L, 0L, null, 1)]
    [InlineData(10L, 20L, 7L, 7)]
    public void ForPodDeletion_DeletionGraceWins_OnlyDecreases_AtLeastOne(long? spec, long? deletion, long? previous, long expected)
    {
        var pod = PodBuilder.Named("p").Container("c", "x").Build();
        pod = pod with
        {
            Spec = pod.Spec! with { TerminationGracePeriodSeconds = spec },
            Metadata = pod.Metadata with { DeletionGracePeriodSeconds = deletion },
        };

        Assert.Equal(expected, GracePeriods.ForPodDeletion(pod, previous));
    }

    [Fact]
    public void ForPodDeletion_ObjectGone_IsOneSecond() => Assert.Equal(1, GracePeriods.ForPodDeletion(null, 30));

    [Theory]
    [InlineData(30, 0, 30)]
    [InlineData(30, 5.9, 25)]
    [InlineData(10, 10, 2)]
    [InlineData(10, 12, 2)]
    [InlineData(1, 0, 2)]
    [InlineData(3, 0.5, 3)]
    public void StopTimeoutAfterPreStop_SubtractsWholeSeconds_FloorTwo(long grace, double elapsedSeconds, double expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), GracePeriods.StopTimeoutAfterPreStop(grace, TimeSpan.FromSeconds(elapsedSeconds)));

    [Fact]
    public void ForContainerKill_ProbeGraceOverridesPod_ButDeletionGraceWins()
    {
        var pod = PodBuilder.Named("p").Grace(30).Container("c", "x").Build();
        var probe = new Probe { TerminationGracePeriodSeconds = 60 };

        Assert.Equal(60, GracePeriods.ForContainerKill(pod, probe));
        Assert.Equal(30, GracePeriods.ForContainerKill(pod, null));
        Assert.Equal(5, GracePeriods.ForContainerKill(pod with { Metadata = pod.Metadata with { DeletionGracePeriodSeconds = 5 } }, probe));
    }

    [Theory]
    [InlineData("Always", 0, true)]
    [InlineData("Always", 1, true)]
    [InlineData("OnFailure", 0, false)]
    [InlineData("OnFailure", 137, true)]
    [InlineData("Never", 1, false)]
    [InlineData(null, 0, true)]
    public void ShouldRestart_ByPolicy(string? policy, int exitCode, bool expected) =>
        Assert.Equal(expected, RestartRules.ShouldRestart(policy, exitCode));
}
