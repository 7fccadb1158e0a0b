using System.Text.Json.Nodes;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Tables;

/// <summary>Pods: NAME READY STATUS RESTARTS AGE | IP NODE NOMINATED NODE READINESS GATES, as kubectl's printPod.</summary>
public sealed class PodTable : ITableConverter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Col.Name,
        Col.Str("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        Col.Str("Status", "The aggregate status of the containers in this pod."),
        Col.Str("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        Col.Age,
        Col.Str("IP", "The IP address assigned to the pod.", 1),
        Col.Str("Node", "The name of the node the pod is assigned to.", 1),
        Col.Str("Nominated Node", "The name of the node where the pod may be scheduled after preemption.", 1),
        Col.Str("Readiness Gates", "The readiness gates of the pod.", 1),
    ];

    public JsonNode?[] Cells(JsonObject pod, DateTimeOffset now)
    {
        var (ready, total, reason, restarts, lastRestart) = Summarize(pod);
        var restartsText = restarts != 0 && lastRestart is not null
            ? $"{restarts} ({HumanDuration.Since(lastRestart, now)} ago)"
            : restarts.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var podIp = Json.Objects(pod, "status", "podIPs").Select(p => Json.Str(p, "ip")).FirstOrDefault()
            ?? Json.Str(pod, "status", "podIP");

        return
        [
            Col.NameOf(pod),
            $"{ready}/{total}",
            reason,
            restartsText,
            Col.AgeOf(pod, now),
            Col.OrNone(podIp),
            Col.OrNone(Json.Str(pod, "spec", "nodeName")),
            Col.OrNone(Json.Str(pod, "status", "nominatedNodeName")),
            ReadinessGates(pod),
        ];
    }

    /// <summary>The STATUS column: the same walk as kubectl's printer over init containers, then containers.</summary>
    internal static (int Ready, int Total, string Reason, long Restarts, DateTimeOffset? LastRestart) Summarize(JsonObject pod)
    {
        var containers = Json.Arr(pod, "spec", "containers")?.Count ?? 0;
        var initSpecs = Json.Objects(pod, "spec", "initContainers").ToList();
        var restartable = initSpecs.Where(IsRestartable).Select(c => Json.Str(c, "name")).OfType<string>().ToHashSet();
        var total = containers + restartable.Count;
        var ready = 0;
        long restarts = 0, restartableRestarts = 0;
        DateTimeOffset? lastRestart = null, lastRestartableRestart = null;

        var phase = Json.Str(pod, "status", "phase") ?? "";
        var reason = Json.Str(pod, "status", "reason") is { Length: > 0 } r ? r : phase;
        if (Json.Objects(pod, "status", "conditions").Any(c => Json.Str(c, "type") == "PodScheduled" && Json.Str(c, "reason") == "SchedulingGated"))
        {
            reason = "SchedulingGated";
        }

        var initializing = false;
        var initStatuses = Json.Objects(pod, "status", "initContainerStatuses").ToList();
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var c = initStatuses[i];
            var count = Json.Long(c, "restartCount") ?? 0;
            restarts += count;
            var finished = Json.Time(c, "lastState", "terminated", "finishedAt");
            lastRestart = Later(lastRestart, finished);
            var isRestartable = restartable.Contains(Json.Str(c, "name") ?? "");
            if (isRestartable)
            {
                restartableRestarts += count;
                lastRestartableRestart = Later(lastRestartableRestart, finished);
            }

            var terminated = Json.Obj(c, "state", "terminated");
            var waitingReason = Json.Str(c, "state", "waiting", "reason");
            if (terminated is not null && (Json.Long(terminated, "exitCode") ?? 0) == 0)
            {
                continue;
            }

            if (isRestartable && Json.Bool(c, "started") == true)
            {
                if (Json.Bool(c, "ready") == true)
                {
                    ready++;
                }

                continue;
            }

            if (terminated is not null)
            {
                reason = Json.Str(terminated, "reason") is { Length: > 0 } tr ? "Init:" + tr
                    : (Json.Long(terminated, "signal") ?? 0) != 0 ? $"Init:Signal:{Json.Long(terminated, "signal")}"
                    : $"Init:ExitCode:{Json.Long(terminated, "exitCode") ?? 0}";
            }
            else if (waitingReason is { Length: > 0 } && waitingReason != "PodInitializing")
            {
                reason = "Init:" + waitingReason;
            }
            else
            {
                reason = $"Init:{i}/{initSpecs.Count}";
            }

            initializing = true;
            break;
        }

        var conditions = Json.Objects(pod, "status", "conditions").ToList();
        var initialized = conditions.Any(c => Json.Str(c, "type") == "Initialized" && Json.Str(c, "status") == "True");
        if (!initializing || initialized)
        {
            restarts = restartableRestarts;
            lastRestart = lastRestartableRestart;
            var hasRunning = false;
            var statuses = Json.Objects(pod, "status", "containerStatuses").ToList();
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var c = statuses[i];
                restarts += Json.Long(c, "restartCount") ?? 0;
                lastRestart = Later(lastRestart, Json.Time(c, "lastState", "terminated", "finishedAt"));
                var terminated = Json.Obj(c, "state", "terminated");
                if (Json.Str(c, "state", "waiting", "reason") is { Length: > 0 } wr)
                {
                    reason = wr;
                }
                else if (terminated is not null && Json.Str(terminated, "reason") is { Length: > 0 } tr)
                {
                    reason = tr;
                }
                else if (terminated is not null)
                {
                    reason = (Json.Long(terminated, "signal") ?? 0) != 0
                        ? $"Signal:{Json.Long(terminated, "signal")}"
                        : $"ExitCode:{Json.Long(terminated, "exitCode") ?? 0}";
                }
                else if (Json.Bool(c, "ready") == true && Json.Obj(c, "state", "running") is not null)
                {
                    hasRunning = true;
                    ready++;
                }
            }

            if (reason == "Completed" && hasRunning)
            {
                reason = conditions.Any(c => Json.Str(c, "type") == "Ready" && Json.Str(c, "status") == "True") ? "Running" : "NotReady";
            }
        }

        if (Json.Str(pod, "metadata", "deletionTimestamp") is not null)
        {
            if (Json.Str(pod, "status", "reason") == "NodeLost")
            {
                reason = "Unknown";
            }
            else if (phase is not ("Succeeded" or "Failed"))
            {
                reason = "Terminating";
            }
        }

        return (ready, total, reason, restarts, lastRestart);
    }

    private static bool IsRestartable(JsonObject initContainer) => Json.Str(initContainer, "restartPolicy") == "Always";

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        b is null ? a : a is null || b > a ? b : a;

    private static string ReadinessGates(JsonObject pod)
    {
        var gates = Json.Objects(pod, "spec", "readinessGates").ToList();
        if (gates.Count == 0)
        {
            return "<none>";
        }

        var conditions = Json.Objects(pod, "status", "conditions").ToList();
        var trueCount = gates.Count(g =>
            conditions.FirstOrDefault(c => Json.Str(c, "type") == Json.Str(g, "conditionType")) is { } c && Json.Str(c, "status") == "True");
        return $"{trueCount}/{gates.Count}";
    }
}
