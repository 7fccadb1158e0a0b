using Podvisor.Model.Core;

namespace Podvisor.Node.Prober;

/// <summary>A probe's timing after SetDefaults_Probe (SPEC §1.1): zero or unset fields take the defaults.</summary>
internal readonly record struct ProbeSettings(int InitialDelaySeconds, TimeSpan Timeout, TimeSpan Period, int SuccessThreshold, int FailureThreshold)
{
    public static ProbeSettings From(Probe probe) => new(
        Math.Max(0, probe.InitialDelaySeconds ?? 0),
        TimeSpan.FromSeconds(Positive(probe.TimeoutSeconds, 1)),
        TimeSpan.FromSeconds(Positive(probe.PeriodSeconds, 10)),
        Positive(probe.SuccessThreshold, 1),
        Positive(probe.FailureThreshold, 3));

    private static int Positive(int? value, int fallback) => value is > 0 ? value.Value : fallback;
}
