using System.Globalization;
using System.Text.Json.Nodes;
using Podvisor.Store;

// Usage: Podvisor.Store.CrashWriter <data-dir> [writers] [name-prefix]
// Opens the store in <data-dir> and creates ConfigMaps from several concurrent writers until killed. After each
// write is acknowledged it prints "<resourceVersion> <name>" and flushes, so whatever the parent read was durable.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Podvisor.Store.CrashWriter <data-dir> [writers] [name-prefix]");
    return 2;
}

var writers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
var prefix = args.Length > 2 ? args[2] : "";
await using var store = await SqliteResourceStore.OpenAsync(args[0], TimeProvider.System, null, null, CancellationToken.None);
var stdout = Console.Out;
var gate = new object();
lock (gate)
{
    stdout.WriteLine("ready");
    stdout.Flush();
}

var type = KnownResourceTypes.ConfigMaps;
var clock = System.Diagnostics.Stopwatch.StartNew();
var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
{
    // Bounded, so a parent that fails to kill it does not fill the disk: at most 60 s and 100,000 writes per writer.
    for (var i = 0; i < 100_000 && clock.Elapsed < TimeSpan.FromSeconds(60); i++)
    {
        var name = $"{prefix}w{w}-{i}";
        var obj = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "crash" },
            ["data"] = new JsonObject { ["payload"] = new string('x', 200 + (i % 300)) },
        };
        var created = await store.CreateAsync(type, obj, CancellationToken.None);
        var rv = created["metadata"]!["resourceVersion"]!.GetValue<string>();
        lock (gate)
        {
            stdout.WriteLine($"{rv} {name}");
            stdout.Flush();
        }
    }
})).ToArray();
await Task.WhenAll(tasks);
return 0;
