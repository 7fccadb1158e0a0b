namespace Podvisor.Controllers.Scheduling;

public sealed record SchedulerOptions
{
    /// <summary>The node every pod is bound to (Podvisor is one node).</summary>
    public required string NodeName { get; init; }

    /// <summary>Pods naming another scheduler in spec.schedulerName are left alone; an empty name means this one.</summary>
    public string SchedulerName { get; init; } = "default-scheduler";

    /// <summary>Pods bound concurrently. Binding is two store writes, so a few workers keep a burst of creations moving.</summary>
    public int Workers { get; init; } = 4;
}
