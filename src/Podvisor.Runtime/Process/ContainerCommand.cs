using Podvisor.Runtime.Process.Native;

namespace Podvisor.Runtime.Process;

/// <summary>How a container's process is found and what environment it gets, without a shell.</summary>
internal static class ContainerCommand
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Defaults (PATH, HOME) &lt; image env &lt; container env; a later KEY replaces an earlier one in place.</summary>
    public static List<string> BuildEnvironment(IReadOnlyDictionary<string, string> imageEnv, IReadOnlyList<KeyValuePair<string, string>> containerEnv)
    {
        var order = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string key, string value)
        {
            if (!values.ContainsKey(key))
            {
                order.Add(key);
            }

            values[key] = value;
        }

        Set("PATH", DefaultPath);
        Set("HOME", "/root");
        foreach (var (k, v) in imageEnv)
        {
            Set(k, v);
        }

        foreach (var (k, v) in containerEnv)
        {
            Set(k, v);
        }

        return order.Select(k => $"{k}={values[k]}").ToList();
    }

    /// <summary>Finds argv[0] on the container's PATH (not Podvisor's), with runc's error wording.</summary>
    public static (string? Path, string? Error) ResolveExecutable(string name, IReadOnlyList<string> env, string workingDir)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.IsPathRooted(name) ? name : Path.GetFullPath(Path.Combine(workingDir, name));
            if (!File.Exists(full))
            {
                return (null, $"exec: \"{name}\": stat {full}: no such file or directory");
            }

            return LibC.IsExecutableFile(full) ? (full, null) : (null, $"exec: \"{name}\": permission denied");
        }

        var path = env.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? DefaultPath;
        foreach (var dir in path.Split(':'))
        {
            var candidate = Path.Combine(dir.Length == 0 ? workingDir : dir, name);
            if (LibC.IsExecutableFile(candidate))
            {
                return (candidate, null);
            }
        }

        return (null, $"exec: \"{name}\": executable file not found in $PATH");
    }
}
