using System.Text.Json.Nodes;
using Podvisor.Store;

namespace Podvisor.Store.Tests;

/// <summary>A store on a real SQLite file in its own temp directory, removed on dispose.</summary>
internal sealed class TempStore : IAsyncDisposable
{
    private TempStore(string dir, ResourceStore store, TimeProvider time, StoreOptions options)
    {
        Dir = dir;
        Store = store;
        Time = time;
        Options = options;
    }

    public string Dir { get; }

    public ResourceStore Store { get; private set; }

    public TimeProvider Time { get; }

    public StoreOptions Options { get; }

    public string DatabasePath => Path.Combine(Dir, SqliteResourceStore.DatabaseFileName);

    public static TempStore Create(TimeProvider? time = null, StoreOptions? options = null)
    {
        var dir = NewDir();
        time ??= TimeProvider.System;
        options ??= new StoreOptions();
        return new TempStore(dir, SqliteResourceStore.Open(Path.Combine(dir, SqliteResourceStore.DatabaseFileName), time, null, options), time, options);
    }

    public static string NewDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "podvisor-store-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Closes and opens the same file again (a restart).</summary>
    public async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = SqliteResourceStore.Open(DatabasePath, Time, null, Options);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Objects
{
    public static readonly ResourceType Pods = KnownResourceTypes.Pods;
    public static readonly ResourceType ConfigMaps = KnownResourceTypes.ConfigMaps;
    public static readonly ResourceType Nodes = KnownResourceTypes.Nodes;
    public static readonly ResourceType Events = KnownResourceTypes.Events;

    public static JsonObject Pod(string name, string ns = "default", IDictionary<string, string>? labels = null, string? nodeName = null, long? grace = null)
    {
        var meta = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (labels is not null)
        {
            var l = new JsonObject();
            foreach (var (k, v) in labels)
            {
                l[k] = v;
            }

            meta["labels"] = l;
        }

        var spec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "busybox" }) };
        if (nodeName is not null)
        {
            spec["nodeName"] = nodeName;
        }

        if (grace is not null)
        {
            spec["terminationGracePeriodSeconds"] = grace;
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = meta, ["spec"] = spec };
    }

    public static JsonObject ConfigMap(string name, string ns = "default", string value = "v") => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["data"] = new JsonObject { ["k"] = value },
    };

    public static JsonObject Meta(this JsonObject o) => o["metadata"]!.AsObject();

    public static string Rv(this JsonObject o) => o.Meta()["resourceVersion"]!.GetValue<string>();

    public static string Name(this JsonObject o) => o.Meta()["name"]!.GetValue<string>();

    public static long Generation(this JsonObject o) => o.Meta()["generation"]!.GetValue<long>();

    public static JsonObject With(this JsonObject o, Action<JsonObject> change)
    {
        var copy = (JsonObject)o.DeepClone();
        change(copy);
        return copy;
    }

    public static async Task<List<T>> Take<T>(this IAsyncEnumerator<T> e, int count, CancellationToken ct)
    {
        var list = new List<T>(count);
        while (list.Count < count)
        {
            ct.ThrowIfCancellationRequested();
            if (!await e.MoveNextAsync())
            {
                break;
            }

            list.Add(e.Current);
        }

        return list;
    }

    /// <summary>A deadline for waiting on a condition: generous, it only bounds a hung test.</summary>
    public static CancellationToken Deadline(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
