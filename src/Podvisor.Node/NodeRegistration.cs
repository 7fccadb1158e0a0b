using System.Globalization;
using Podvisor.Client;
using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using NodeObject = Podvisor.Model.Core.Node;

namespace Podvisor.Node;

/// <summary>Creates and heartbeats this node's Node object (Ready condition, addresses, capacity, nodeInfo).</summary>
internal sealed class NodeRegistration(IPodvisorClient client, NodeAgentOptions options, string runtimeName, TimeProvider time)
{
    public const string KubeletVersion = "v1.32.0";

    private DateTimeOffset? _readySince;

    public async Task RegisterOrUpdateAsync(CancellationToken ct)
    {
        var existing = await client.Nodes.GetAsync(null, options.NodeName, ct).ConfigureAwait(false);
        if (existing is null)
        {
            try
            {
                existing = await client.Nodes.CreateAsync(
                    new NodeObject
                    {
                        Metadata = new ObjectMeta
                        {
                            Name = options.NodeName,
                            Labels = new Dictionary<string, string>
                            {
                                ["kubernetes.io/hostname"] = options.NodeName,
                                ["kubernetes.io/os"] = "linux",
                                ["kubernetes.io/arch"] = Arch(),
                            },
                        },
                        Spec = new NodeSpec(),
                    },
                    ct).ConfigureAwait(false);
            }
            catch (ApiException ex) when (ex.IsAlreadyExists)
            {
                existing = await client.Nodes.GetAsync(null, options.NodeName, ct).ConfigureAwait(false);
            }
        }

        if (existing is null)
        {
            return;
        }

        await client.Nodes.UpdateStatusWithRetryAsync(existing, n => n with { Status = BuildStatus(n.Status) }, ct).ConfigureAwait(false);
    }

    private NodeStatus BuildStatus(NodeStatus? previous)
    {
        var now = time.GetUtcNow();
        var oldReady = previous?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        _readySince ??= oldReady?.Status == "True" ? oldReady.LastTransitionTime ?? now : now;
        var capacity = new Dictionary<string, Quantity>
        {
            ["cpu"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            ["memory"] = MemoryQuantity(),
            ["pods"] = options.MaxPods.ToString(CultureInfo.InvariantCulture),
        };
        return new NodeStatus
        {
            Capacity = capacity,
            Allocatable = capacity,
            Conditions =
            [
                new NodeCondition
                {
                    Type = "Ready",
                    Status = "True",
                    Reason = "KubeletReady",
                    Message = "kubelet is posting ready status",
                    LastHeartbeatTime = now,
                    LastTransitionTime = _readySince,
                },
            ],
            Addresses =
            [
                new NodeAddress { Type = "InternalIP", Address = options.NodeIp },
                new NodeAddress { Type = "Hostname", Address = options.NodeName },
            ],
            NodeInfo = new NodeSystemInfo
            {
                MachineID = ReadTrimmed("/etc/machine-id"),
                BootID = ReadTrimmed("/proc/sys/kernel/random/boot_id"),
                KernelVersion = ReadTrimmed("/proc/sys/kernel/osrelease"),
                OsImage = OsImage(),
                ContainerRuntimeVersion = $"{runtimeName}://podvisor",
                KubeletVersion = KubeletVersion,
                KubeProxyVersion = KubeletVersion,
                OperatingSystem = "linux",
                Architecture = Arch(),
            },
        };
    }

    private static string Arch() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        _ => "amd64",
    };

    private static string MemoryQuantity()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    var kb = line["MemTotal:".Length..].Trim().Split(' ')[0];
                    return kb + "Ki";
                }
            }
        }
        catch (IOException)
        {
        }

        return "0";
    }

    private static string OsImage()
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/os-release"))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                {
                    return line["PRETTY_NAME=".Length..].Trim('"');
                }
            }
        }
        catch (IOException)
        {
        }

        return "Linux";
    }

    private static string ReadTrimmed(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : "";
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
