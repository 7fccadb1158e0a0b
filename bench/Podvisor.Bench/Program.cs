using System.Reflection;

namespace Podvisor.Bench;

/// <summary>A benchmark run from the command line; prints its figures and the command that reproduces them.</summary>
internal interface IBenchmark
{
    /// <summary>The name given on the command line.</summary>
    string Name { get; }

    string Description { get; }

    Task<int> RunAsync(string[] args, CancellationToken ct);
}

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/Podvisor.Bench -- &lt;name&gt; [options]</c>.
/// Every non-abstract <see cref="IBenchmark"/> with a parameterless constructor is found by reflection.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var benchmarks = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IBenchmark)Activator.CreateInstance(t, nonPublic: true)!)
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
        var chosen = args.Length == 0 ? null : benchmarks.FirstOrDefault(b => b.Name == args[0]);
        if (chosen is null)
        {
            Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Podvisor.Bench -- <benchmark> [options]");
            foreach (var b in benchmarks)
            {
                Console.Error.WriteLine($"  {b.Name,-20} {b.Description}");
            }

            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        return await chosen.RunAsync(args[1..], cts.Token);
    }
}
