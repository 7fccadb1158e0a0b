using System.Text;
using Podvisor.Model.Core;
using Podvisor.Runtime;

namespace Podvisor.Node.Prober.Runners;

/// <summary>
/// exec probes (SPEC §1.6): the command runs in the container through the runtime's ExecSync with
/// timeout = timeoutSeconds. Exit 0 is Success, any other exit Failure with the output; a timeout is a Failure
/// (ExecProbeTimeout); a runtime error is an Error (retried, then discarded).
/// </summary>
internal sealed class ExecProbeRunner(IContainerRuntime runtime) : IProbeRunner
{
    /// <summary>The kubelet keeps at most 10 KiB of a probe's combined output.</summary>
    public const int MaxOutputBytes = 10 * 1024;

    public async ValueTask<ProbeOutcome> RunAsync(ProbeRequest request, CancellationToken ct)
    {
        var command = ExpandStatic(request.Probe.Exec?.Command ?? [], request.Container.Env);
        ExecResult result;
        try
        {
            result = await runtime.ExecSyncAsync(request.RuntimeContainerId, command, request.Timeout, MaxOutputBytes, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return ProbeOutcome.Error(ex.Message);
        }

        if (result.TimedOut)
        {
            // The CRI client's text for an ExecSync deadline; with no output that is what the event shows.
            return ProbeOutcome.Failure($"command \"{string.Join(' ', command)}\" timed out");
        }

        return result.ExitCode == 0 ? ProbeOutcome.Success(result.Output) : ProbeOutcome.Failure(result.Output);
    }

    /// <summary>
    /// Expands <c>$(VAR)</c> with container.env entries that have a literal value (no downward API, no pod env);
    /// <c>$$</c> is an escaped <c>$</c>; unknown references stay as written (Kubernetes' expansion rules).
    /// </summary>
    internal static IReadOnlyList<string> ExpandStatic(IReadOnlyList<string> command, IReadOnlyList<EnvVar>? env)
    {
        if (env is null || env.Count == 0)
        {
            var anyEscape = false;
            foreach (var arg in command)
            {
                anyEscape |= arg.Contains('$', StringComparison.Ordinal);
            }

            if (!anyEscape)
            {
                return command;
            }
        }

        var result = new string[command.Count];
        for (var i = 0; i < command.Count; i++)
        {
            result[i] = Expand(command[i], env);
        }

        return result;
    }

    private static string Expand(string input, IReadOnlyList<EnvVar>? env)
    {
        if (!input.Contains('$', StringComparison.Ordinal))
        {
            return input;
        }

        var sb = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != '$' || i + 1 >= input.Length)
            {
                sb.Append(input[i]);
                continue;
            }

            var next = input[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i++;
            }
            else if (next == '(' && input.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = input.AsSpan(i + 2, close - i - 2);
                if (Lookup(env, name) is { } value)
                {
                    sb.Append(value);
                }
                else
                {
                    sb.Append(input, i, close - i + 1);
                }

                i = close;
            }
            else
            {
                sb.Append('$');
            }
        }

        return sb.ToString();
    }

    private static string? Lookup(IReadOnlyList<EnvVar>? env, ReadOnlySpan<char> name)
    {
        string? found = null;
        foreach (var e in env ?? [])
        {
            if (e.ValueFrom is null && name.SequenceEqual(e.Name))
            {
                found = e.Value ?? ""; // The last definition wins.
            }
        }

        return found;
    }
}
