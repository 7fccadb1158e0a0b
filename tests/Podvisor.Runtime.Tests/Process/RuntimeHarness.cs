using System.Globalization;
using System.Text.RegularExpressions;
using Podvisor.Runtime.Process;

namespace Podvisor.Runtime.Tests.Process;

/// <summary>
/// A process runtime over a private temp directory. Dispose stops every container any of its runtimes knows,
/// then asserts that no live process is left in any session a container or test started, and deletes the directory.
/// </summary>
internal sealed partial class RuntimeHarness : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly List<ProcessRuntime> _runtimes = [];
    private readonly HashSet<int> _sessions = [];
    private readonly HashSet<int> _processes = [];

    private RuntimeHarness(string root)
    {
        Root = root;
    }

    public string Root { get; }

    public string StateDirectory => Path.Combine(Root, "state");

    public string CatalogPath => Path.Combine(Root, "images.yaml");

    public string LogDirectory => Path.Combine(Root, "logs");

    public ProcessRuntime Runtime => _runtimes[^1];

    public string SandboxId { get; private set; } = "";

    public static async Task<RuntimeHarness> CreateAsync(Func<ProcessRuntimeOptions, ProcessRuntimeOptions>? configure = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "podvisor-rt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var harness = new RuntimeHarness(root);
        harness.Configure = configure ?? (o => o);
        harness.NewRuntime();
        var sandbox = await harness.Runtime.RunPodSandboxAsync(
            new PodSandboxConfig { PodUid = "uid-1", PodName = "p", PodNamespace = "default", LogDirectory = harness.LogDirectory },
            CancellationToken.None);
        harness.SandboxId = sandbox.Id;
        return harness;
    }

    public Func<ProcessRuntimeOptions, ProcessRuntimeOptions> Configure { get; private set; } = o => o;

    /// <summary>A new runtime instance over the same state directory (the previous one is left as it is).</summary>
    public ProcessRuntime NewRuntime()
    {
        var runtime = new ProcessRuntime(
            Configure(new ProcessRuntimeOptions { StateDirectory = StateDirectory, ImageCatalogPath = CatalogPath }),
            TimeProvider.System);
        _runtimes.Add(runtime);
        return runtime;
    }

    public ContainerConfig Config(string name, params string[] command) => new()
    {
        PodUid = "uid-1",
        Name = name,
        Image = "busybox",
        Command = command,
        LogPath = Path.Combine(LogDirectory, name, "0.log"),
    };

    public async Task<string> CreateAsync(ContainerConfig config) =>
        await Runtime.CreateContainerAsync(SandboxId, config, CancellationToken.None);

    public async Task<string> RunAsync(ContainerConfig config)
    {
        var id = await CreateAsync(config);
        await Runtime.StartContainerAsync(id, CancellationToken.None);
        Track(Runtime.RecordedPid(id)!.Value);
        return id;
    }

    public Task<string> RunAsync(string name, params string[] command) => RunAsync(Config(name, command));

    /// <summary>A single process (e.g. one that left its session) that must be gone at the end.</summary>
    public void TrackProcess(int pid)
    {
        lock (_processes)
        {
            _processes.Add(pid);
        }
    }

    public void Track(int session)
    {
        lock (_sessions)
        {
            _sessions.Add(session);
        }
    }

    public async Task<ContainerStatusInfo> WaitExitAsync(string id) =>
        await Runtime.WaitContainerExitAsync(id, CancellationToken.None).WaitAsync(Deadline);

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>CRI records of a log file: (stream, tag, text).</summary>
    public static List<(string Stream, string Tag, string Text)> ReadLog(string path)
    {
        var result = new List<(string, string, string)>();
        if (!File.Exists(path))
        {
            return result;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            var m = CriLine().Match(line);
            Assert.True(m.Success, $"not a CRI log line: {line}");
            Assert.True(DateTimeOffset.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _), line);
            result.Add((m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value));
        }

        return result;
    }

    /// <summary>Full-line texts of one stream (P records joined to the F that ends them).</summary>
    public static List<string> Lines(string path, string stream = "stdout")
    {
        var lines = new List<string>();
        var partial = "";
        foreach (var (s, tag, text) in ReadLog(path).Where(r => r.Stream == stream))
        {
            partial += text;
            if (tag == "F")
            {
                lines.Add(partial);
                partial = "";
            }
        }

        return lines;
    }

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (stdout|stderr) (F|P) (.*)$")]
    private static partial Regex CriLine();

    public async ValueTask DisposeAsync()
    {
        foreach (var runtime in _runtimes)
        {
            try
            {
                foreach (var c in await runtime.ListContainersAsync(CancellationToken.None))
                {
                    await runtime.StopContainerAsync(c.Id, TimeSpan.Zero, CancellationToken.None).WaitAsync(Deadline);
                }
            }
            catch (ObjectDisposedException)
            {
            }

            await runtime.DisposeAsync();
        }

        List<int> sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        foreach (var session in sessions)
        {
            await WaitUntilAsync(() => Procs.LiveInSession(session).Count == 0, $"session {session} to be empty");
        }

        List<int> processes;
        lock (_processes)
        {
            processes = [.. _processes];
        }

        foreach (var pid in processes)
        {
            await WaitUntilAsync(() => !Procs.IsAlive(pid), $"process {pid} to be gone");
        }

        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>The test's own reading of /proc, independent of the runtime's.</summary>
internal static class Procs
{
    public static List<int> LiveInSession(int session)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] != "Z" && fields[3] == session.ToString(CultureInfo.InvariantCulture))
            {
                result.Add(pid);
            }
        }

        return result;
    }

    public static int SessionOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3], CultureInfo.InvariantCulture);
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
