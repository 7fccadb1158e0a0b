using System.Globalization;
using Podvisor.Model.Core;
using Podvisor.Model.Meta;

namespace Podvisor.Node.Prober.Runners;

/// <summary>Resolves a probe or hook port (number, numeric string, or a name from container.ports) like the kubelet.</summary>
internal static class ContainerPorts
{
    /// <returns>False with the kubelet's error text, e.g. <c>strconv.Atoi: parsing "http": invalid syntax</c>.</returns>
    public static bool TryResolve(IntOrString port, Container container, out int value, out string error)
    {
        error = "";
        if (port.IntValue is { } i)
        {
            value = i;
        }
        else
        {
            var name = port.StringValue ?? "";
            value = FindByName(container, name);
            if (value < 0 && !int.TryParse(name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
            {
                // Not a declared name, and not a number either: Go's strconv.Atoi message.
                value = 0;
                error = $"strconv.Atoi: parsing \"{name}\": invalid syntax";
                return false;
            }
        }

        if (value is > 0 and < 65536)
        {
            return true;
        }

        error = $"invalid port number: {value}";
        return false;
    }

    private static int FindByName(Container container, string name)
    {
        foreach (var p in container.Ports ?? [])
        {
            if (p.Name == name)
            {
                return p.ContainerPortNumber;
            }
        }

        return -1;
    }
}
