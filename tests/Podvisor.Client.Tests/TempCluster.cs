using Podvisor.Client.InProcess;
using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Store;

namespace Podvisor.Client.Tests;

/// <summary>A real SQLite store in a private temp directory with an in-process client over it; one per test.</summary>
internal sealed class TempCluster : IAsyncDisposable
{
    private TempCluster(string dir, IResourceStore store, InProcessClient client)
    {
        Dir = dir;
        Store = store;
        Client = client;
    }

    public string Dir { get; }

    public IResourceStore Store { get; }

    public InProcessClient Client { get; }

    public static async Task<TempCluster> StartAsync(StoreOptions? options = null, IClientAdmission? admission = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "podvisor-client-tests", Guid.NewGuid().ToString("N"));
        var store = await SqliteResourceStore.OpenAsync(dir, TimeProvider.System, null, options, CancellationToken.None);
        return new TempCluster(dir, store, new InProcessClient(store, admission));
    }

    public static Pod NewPod(string name, string ns = "default", string? nodeName = null, string? schedulerName = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = new Dictionary<string, string> { ["app"] = "test" } },
        Spec = new PodSpec
        {
            NodeName = nodeName,
            SchedulerName = schedulerName,
            Containers = [new Container { Name = "app", Image = "busybox", Command = ["sleep", "1000"] }],
        },
    };

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
