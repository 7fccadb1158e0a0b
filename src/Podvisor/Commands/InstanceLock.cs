using System.Globalization;

namespace Podvisor.Commands;

/// <summary>
/// One serve per data dir: an exclusive lock (flock, via FileShare.None) on {dataDir}/podvisor.lock, and the
/// holder's pid in {dataDir}/podvisor.pid for `down`. The OS releases the lock when the process dies, even by kill -9.
/// </summary>
internal sealed class InstanceLock : IDisposable
{
    private const string LockFileName = "podvisor.lock";
    private const string PidFileName = "podvisor.pid";

    private readonly FileStream _lock;

    private InstanceLock(FileStream lockFile)
    {
        _lock = lockFile;
    }

    public static InstanceLock? TryAcquire(string dataDir, bool writePid = true)
    {
        Directory.CreateDirectory(dataDir);
        FileStream file;
        try
        {
            file = new FileStream(Path.Combine(dataDir, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }

        if (writePid)
        {
            File.WriteAllText(Path.Combine(dataDir, PidFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        }

        return new InstanceLock(file);
    }

    /// <summary>The pid of the serve holding the lock, or null when none does.</summary>
    public static int? RunningPid(string dataDir)
    {
        using (var probe = TryAcquire(dataDir, writePid: false))
        {
            if (probe is not null)
            {
                return null;
            }
        }

        var pidFile = Path.Combine(dataDir, PidFileName);
        return File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    public void Dispose() => _lock.Dispose();
}
