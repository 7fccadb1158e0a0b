using System.Globalization;
using System.Text;
using Podvisor.Model.Core;

namespace Podvisor.Node.Restart;

/// <summary>The kubelet's texts for a container in CrashLoopBackOff (SPEC §1.9.5).</summary>
public static class BackOffMessages
{
    /// <summary>Waiting reason while a restart is delayed.</summary>
    public const string CrashLoopBackOffReason = "CrashLoopBackOff";

    /// <summary>Event reason (type Warning).</summary>
    public const string BackOffReason = "BackOff";

    /// <summary><c>back-off 5m0s restarting failed container=app pod=web_default(uid)</c> (Go duration format).</summary>
    public static string Waiting(TimeSpan backOff, string containerName, Pod pod) =>
        $"back-off {GoDuration(backOff)} restarting failed container={containerName} pod={FormatPod(pod)}";

    /// <summary><c>Back-off restarting failed container app in pod web_default(uid)</c>.</summary>
    public static string Event(string containerName, Pod pod) =>
        $"Back-off restarting failed container {containerName} in pod {FormatPod(pod)}";

    /// <summary>The kubelet's format.Pod: <c>name_namespace(uid)</c>.</summary>
    public static string FormatPod(Pod pod) => $"{pod.Metadata.Name}_{pod.Metadata.Namespace}({pod.Metadata.Uid})";

    /// <summary>Go's time.Duration.String for durations: <c>10s</c>, <c>2m40s</c>, <c>5m0s</c>, <c>1h0m0s</c>, <c>1.5s</c>, <c>500ms</c>.</summary>
    public static string GoDuration(TimeSpan d)
    {
        if (d == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (d < TimeSpan.Zero)
        {
            sb.Append('-');
            d = d.Duration();
        }

        if (d < TimeSpan.FromSeconds(1))
        {
            var ns = d.Ticks * 100;
            return ns switch
            {
                < 1_000 => sb.Append(ns).Append("ns").ToString(),
                < 1_000_000 => sb.Append(Trim(ns / 1_000m)).Append("µs").ToString(),
                _ => sb.Append(Trim(ns / 1_000_000m)).Append("ms").ToString(),
            };
        }

        var hours = (long)d.TotalHours;
        if (hours > 0)
        {
            sb.Append(hours).Append('h');
        }

        if (hours > 0 || d.Minutes > 0)
        {
            sb.Append(d.Minutes).Append('m');
        }

        var seconds = d.Seconds + (d.Ticks % TimeSpan.TicksPerSecond / (decimal)TimeSpan.TicksPerSecond);
        return sb.Append(Trim(seconds)).Append('s').ToString();
    }

    private static string Trim(decimal value) => value.ToString("0.#########", CultureInfo.InvariantCulture);
}
