using System.Diagnostics;

namespace Podvisor.E2E;

/// <summary>
/// The podvisor these tests drive: the shipped form (`dotnet publish src/Podvisor -c Release -r linux-x64`:
/// self-contained, trimmed, ReadyToRun), published once per test run. Trimming removes code, so only the published
/// binary shows that what serve reaches at run time was kept. $PODVISOR_E2E_BINARY names another executable (a
/// publish made beforehand) or a podvisor.dll (run with `dotnet`, e.g. the plain build while iterating).
/// </summary>
internal static class ShippedBinary
{
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    /// <summary>The executable (or podvisor.dll) to run.</summary>
    public static Task<string> PathAsync() =>
        Environment.GetEnvironmentVariable("PODVISOR_E2E_BINARY") is { Length: > 0 } chosen
            ? Task.FromResult(Path.GetFullPath(chosen))
            : Published.Value;

    /// <summary>`podvisor ARGS`, redirected: the executable itself, or `dotnet podvisor.dll ARGS`.</summary>
    public static async Task<ProcessStartInfo> CommandAsync(params string[] args)
    {
        var binary = await PathAsync();
        var dll = binary.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(dll ? "dotnet" : binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (dll)
        {
            info.ArgumentList.Add(binary);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    private static async Task<string> PublishAsync()
    {
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "Podvisor.slnx")))
        {
            repo = repo.Parent;
        }

        if (repo is null)
        {
            throw new InvalidOperationException($"no Podvisor.slnx above {AppContext.BaseDirectory}: set PODVISOR_E2E_BINARY");
        }

        var output = Path.Combine(AppContext.BaseDirectory, "podvisor-publish");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "publish", Path.Combine(repo.FullName, "src", "Podvisor", "Podvisor.csproj"), "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet publish src/Podvisor took over 10 minutes");
        }

        var executable = Path.Combine(output, "podvisor");
        if (process.ExitCode != 0 || !File.Exists(executable))
        {
            throw new InvalidOperationException($"dotnet publish src/Podvisor failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }

        return executable;
    }
}
