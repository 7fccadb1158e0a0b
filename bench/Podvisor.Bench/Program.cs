namespace Podvisor.Bench;

/// <summary>
/// Benchmarks entry point: <c>dotnet run -c Release --project bench/Podvisor.Bench -- &lt;name&gt;</c>.
/// Each benchmark prints its figures and the command that reproduces them.
/// </summary>
internal static class Program
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Benchmarks = new(StringComparer.Ordinal);

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || !Benchmarks.TryGetValue(args[0], out var run))
        {
            Console.Error.WriteLine("usage: Podvisor.Bench <benchmark> [options]");
            Console.Error.WriteLine("benchmarks: " + string.Join(", ", Benchmarks.Keys.Order(StringComparer.Ordinal)));
            return 2;
        }

        return await run(args[1..]);
    }
}
