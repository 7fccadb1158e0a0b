using System.Diagnostics;
using System.Text;
using Podvisor.Store.Sqlite;

namespace Podvisor.Store.Tests;

/// <summary>
/// kill -9 in the middle of a stream of writes: every write the child acknowledged (printed) must be there after
/// reopening, and the database must pass integrity_check. Runs a real child process on a real SQLite file.
/// </summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Store_KilledMidStream_EveryAcknowledgedWriteSurvives()
    {
        var dir = TempStore.NewDir();
        try
        {
            var acknowledged = new List<(long Revision, string Name)>();
            // Two rounds: the second one also proves the store recovers a killed database and keeps writing.
            acknowledged.AddRange(await RunAndKillAsync(dir, "r1-", minimumAcks: 400));
            acknowledged.AddRange(await RunAndKillAsync(dir, "r2-", minimumAcks: 400));

            using (var check = new SqliteLogBackend(Path.Combine(dir, SqliteResourceStore.DatabaseFileName)))
            {
                Assert.Equal("ok", check.IntegrityCheck());
            }

            await using var store = await SqliteResourceStore.OpenAsync(dir, TimeProvider.System, null, null, CancellationToken.None);
            Assert.True(store.CurrentRevision >= acknowledged.Max(a => a.Revision));
            foreach (var (revision, name) in acknowledged)
            {
                var obj = await store.GetAsync(KnownResourceTypes.ConfigMaps, "crash", name, CancellationToken.None);
                Assert.True(obj is not null, $"acknowledged write {name} at {revision} is missing");
                Assert.Equal(revision.ToString(), obj!["metadata"]!["resourceVersion"]!.GetValue<string>());
                Assert.StartsWith("xxxx", obj["data"]!["payload"]!.GetValue<string>());
            }

            Assert.Equal(acknowledged.Count, acknowledged.Select(a => a.Revision).Distinct().Count());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<List<(long Revision, string Name)>> RunAndKillAsync(string dir, string prefix, int minimumAcks)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Podvisor.Store.CrashWriter.dll");
        Assert.True(File.Exists(dll), $"{dll} not found: it is built by the test project's ProjectReference");
        var start = new ProcessStartInfo(DotnetHost(), [dll, dir, "4", prefix])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = new MemoryStream();
        var lines = 0;
        using var enough = new SemaphoreSlim(0);
        var pump = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            var stream = process.StandardOutput.BaseStream;
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                lock (output)
                {
                    output.Write(buffer, 0, n);
                }

                var before = lines;
                lines += buffer.AsSpan(0, n).Count((byte)'\n');
                if (before <= minimumAcks && lines > minimumAcks)
                {
                    enough.Release();
                }
            }
        });
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            var waited = enough.WaitAsync(deadline.Token);
            var exited = process.WaitForExitAsync(deadline.Token);
            await Task.WhenAny(waited, exited);
            if (process.HasExited)
            {
                Assert.Fail($"CrashWriter exited early: {await stderr}");
            }

            await waited;
        }
        finally
        {
            process.Kill(entireProcessTree: true); // SIGKILL, in the middle of the stream of writes
            await process.WaitForExitAsync();
        }

        await pump;
        await stderr;
        var text = Encoding.UTF8.GetString(output.ToArray());
        var complete = text[..(text.LastIndexOf('\n') + 1)];
        var acks = new List<(long, string)>();
        foreach (var line in complete.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line == "ready")
            {
                continue;
            }

            var parts = line.Split(' ');
            acks.Add((long.Parse(parts[0]), parts[1]));
        }

        Assert.True(acks.Count >= minimumAcks);
        return acks;
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
